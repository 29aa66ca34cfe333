package fr.coffre.extraction;

import fr.coffre.document.Identifier;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The OIDs under which the French national health identifier (INS) is issued. */
public final class InsOids {

    public static final String INS_NIR = "1.2.250.1.213.1.4.8";
    public static final String INS_NIA = "1.2.250.1.213.1.4.9";
    /** INS-NIR used in test environments and in the ANS examples. */
    public static final String INS_NIR_TEST = "1.2.250.1.213.1.4.10";

    private static final Set<String> ALL = Set.of(INS_NIR, INS_NIA, INS_NIR_TEST);

    private InsOids() {
    }

    public static boolean isIns(String oid) {
        return oid != null && ALL.contains(oid);
    }

    /** The first identifier, in the given order, issued under an INS OID. */
    public static Optional<Identifier> firstIns(List<Identifier> identifiers) {
        return identifiers.stream().filter(id -> isIns(id.system())).findFirst();
    }
}
