package fr.coffre.extraction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads FHIR XML into the same tree shape as FHIR JSON, so one extractor serves both. XML does not
 * say which elements repeat, so every element becomes an array; a primitive ({@code value}
 * attribute) becomes a string; a resource nested in {@code contained} or {@code resource} becomes
 * the wrapper's object with a {@code resourceType}. Narratives, base64 payloads and foreign
 * namespaces are left out.
 */
final class FhirXmlTree {

    static final String FHIR_NAMESPACE = "http://hl7.org/fhir";

    private final int maxDepth;
    private final long maxBytes;

    FhirXmlTree(int maxDepth, long maxBytes) {
        this.maxDepth = maxDepth;
        this.maxBytes = maxBytes;
    }

    JsonNode read(InputStream in) {
        try (SecureXmlStream xml = SecureXmlStream.open(in, maxDepth, maxBytes, "the FHIR XML document")) {
            XMLStreamReader reader = xml.reader();
            Deque<ObjectNode> open = new ArrayDeque<>();
            ObjectNode root = null;
            int skippedDepth = 0;
            while (xml.hasNext()) {
                switch (xml.next()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (skippedDepth > 0) {
                            skippedDepth++;
                        } else if (root == null) {
                            root = rootResource(reader);
                            open.push(root);
                        } else if (!FHIR_NAMESPACE.equals(reader.getNamespaceURI())
                                || reader.getLocalName().equals("data")) {
                            skippedDepth = 1;
                        } else if (isResourceName(reader.getLocalName())) {
                            ObjectNode wrapper = open.peek();
                            wrapper.put("resourceType", reader.getLocalName());
                            open.push(wrapper);
                        } else {
                            ArrayNode values = arrayOf(open.peek(), reader.getLocalName());
                            String value = reader.getAttributeValue(null, "value");
                            if (value != null) {
                                values.add(value);
                                // a primitive's children are extensions, which are not read
                                skippedDepth = 1;
                            } else {
                                open.push(values.addObject());
                            }
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if (skippedDepth > 0) {
                            skippedDepth--;
                        } else {
                            open.pop();
                        }
                    }
                    default -> {
                        // FHIR XML carries its values in attributes
                    }
                }
            }
            return root;
        }
    }

    private static ObjectNode rootResource(XMLStreamReader reader) {
        if (!FHIR_NAMESPACE.equals(reader.getNamespaceURI()) || !isResourceName(reader.getLocalName())) {
            throw new DocumentContentException("the root element is not a FHIR resource");
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("resourceType", reader.getLocalName());
        return root;
    }

    /** Resource types are capitalised, element names are not. */
    private static boolean isResourceName(String name) {
        return Character.isUpperCase(name.charAt(0));
    }

    private static ArrayNode arrayOf(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        if (existing instanceof ArrayNode array) {
            return array;
        }
        return parent.putArray(name);
    }
}
