package fr.coffre.access;

import java.util.List;

/**
 * The document types a professional may read: only those listed, or every type but those listed.
 *
 * @param allBut true when {@code codes} are the types not read, false when they are the only ones read
 * @param codes  type codes (an XDS typeCode's code, whatever its system)
 */
public record ReadableTypes(boolean allBut, List<String> codes) {

    public static final ReadableTypes ALL = new ReadableTypes(true, List.of());

    public ReadableTypes {
        codes = List.copyOf(codes);
    }

    public boolean all() {
        return allBut && codes.isEmpty();
    }

    public boolean reads(String typeCode) {
        return allBut != codes.contains(typeCode);
    }

    /**
     * The condition on the document's type ({@code d.type_code}) that this makes, with the codes as
     * parameter {@code $parameter}; empty when every type is read (and the codes are not a parameter).
     */
    public String sql(int parameter) {
        if (all()) {
            return "";
        }
        return (allBut ? " AND NOT d.type_code = ANY($" : " AND d.type_code = ANY($") + parameter + ")";
    }

    public String[] parameter() {
        return codes.toArray(String[]::new);
    }
}
