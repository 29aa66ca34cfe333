package fr.coffre.extraction;

import fr.coffre.document.Identifier;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import javax.xml.stream.XMLStreamReader;

/**
 * Builds a {@link CdaHeader} from parser events. Each element is known by its full path from the
 * root, so that e.g. the code of an author's function is never taken for the document's code.
 */
final class CdaHeaderCollector {

    private static final String DOC = "ClinicalDocument";
    /** Longer than any path the header reads (the longest is under 120 characters). */
    private static final int MAX_PATH = 256;
    /** The path of an element no header path can match (compared by identity). */
    private static final String UNMATCHED = new String("{unmatched}");

    private static final String BODY = DOC + "/component";
    private static final String PATIENT_ID = DOC + "/recordTarget/patientRole/id";
    private static final String AUTHOR = DOC + "/author";
    private static final String ASSIGNED_AUTHOR = AUTHOR + "/assignedAuthor";
    private static final String AUTHOR_NAME = ASSIGNED_AUTHOR + "/assignedPerson/name";
    private static final String AUTHOR_ORGANIZATION = ASSIGNED_AUTHOR + "/representedOrganization";
    private static final String CUSTODIAN_ORGANIZATION =
            DOC + "/custodian/assignedCustodian/representedCustodianOrganization";
    private static final String LEGAL_AUTHENTICATOR_ID = DOC + "/legalAuthenticator/assignedEntity/id";
    private static final String DOCUMENTATION_OF = DOC + "/documentationOf";
    private static final String SERVICE_TIME = DOCUMENTATION_OF + "/serviceEvent/effectiveTime";
    private static final String RELATED_DOCUMENT = DOC + "/relatedDocument";

    private final Deque<String> openElements = new ArrayDeque<>();
    private String capturedPath;
    private StringBuilder capturedText;

    private String uniqueId;
    private final List<Identifier> patientIds = new ArrayList<>();
    private CodedValue code;
    private String title;
    private String effectiveTime;
    private OffsetDateTime effectiveDateTime;
    private String confidentialityCode;
    private String languageCode;
    private String setId;
    private Integer versionNumber;

    private int authorCount;
    private Identifier authorId;
    private final List<String> authorGivenNames = new ArrayList<>();
    private final List<String> authorFamilyNames = new ArrayList<>();
    private Identifier authorOrganizationId;
    private String authorOrganizationName;

    private Identifier custodianId;
    private String custodianName;
    private Identifier legalAuthenticator;

    private boolean servicePeriodFound;
    private OffsetDateTime serviceStart;
    private OffsetDateTime serviceStop;
    private OffsetDateTime candidateServiceStart;
    private OffsetDateTime candidateServiceStop;

    private boolean inReplacement;
    private String replaces;
    private String relatedTypeCode;
    private boolean relatedIdFound;
    private final List<CdaHeader.RelatedDocument> relatedDocuments = new ArrayList<>();
    private CodedValue serviceEventCode;
    private CodedValue candidateServiceEventCode;

    /** @return false when the element opens the body: the header is over */
    boolean start(XMLStreamReader reader) {
        String path = openElements.isEmpty() ? segment(reader) : path(openElements.peek(), segment(reader));
        if (openElements.isEmpty() && !path.equals(DOC)) {
            throw new DocumentContentException("the root element is not an HL7 CDA ClinicalDocument");
        }
        if (path.equals(BODY)) {
            return false;
        }
        openElements.push(path);
        switch (path) {
            case DOC + "/id" -> uniqueId = firstNonNull(uniqueId, documentId(reader));
            case DOC + "/code" ->
                code = new CodedValue(
                        attribute(reader, "code"), attribute(reader, "codeSystem"), attribute(reader, "displayName"));
            case DOC + "/title" -> capture(path);
            case DOC + "/effectiveTime" -> {
                effectiveTime = attribute(reader, "value");
                effectiveDateTime = effectiveTime == null ? null : time(path, effectiveTime);
            }
            case DOC + "/confidentialityCode" -> confidentialityCode = attribute(reader, "code");
            case DOC + "/languageCode" -> languageCode = attribute(reader, "code");
            case DOC + "/setId" -> setId = documentId(reader);
            case DOC + "/versionNumber" -> versionNumber = integer(path, attribute(reader, "value"));
            case PATIENT_ID -> {
                Identifier id = identifier(reader);
                if (id != null) {
                    patientIds.add(id);
                }
            }
            case AUTHOR -> authorCount++;
            case ASSIGNED_AUTHOR + "/id" -> {
                if (authorCount == 1) {
                    authorId = firstNonNull(authorId, identifier(reader));
                }
            }
            case AUTHOR_NAME + "/given", AUTHOR_NAME + "/family", AUTHOR_ORGANIZATION + "/name" -> {
                if (authorCount == 1) {
                    capture(path);
                }
            }
            case AUTHOR_ORGANIZATION + "/id" -> {
                if (authorCount == 1) {
                    authorOrganizationId = firstNonNull(authorOrganizationId, identifier(reader));
                }
            }
            case CUSTODIAN_ORGANIZATION + "/id" -> custodianId = firstNonNull(custodianId, identifier(reader));
            case CUSTODIAN_ORGANIZATION + "/name" -> capture(path);
            case LEGAL_AUTHENTICATOR_ID -> legalAuthenticator = firstNonNull(legalAuthenticator, identifier(reader));
            case DOCUMENTATION_OF -> {
                candidateServiceStart = null;
                candidateServiceStop = null;
                candidateServiceEventCode = null;
            }
            case DOCUMENTATION_OF + "/serviceEvent/code" -> {
                if (candidateServiceEventCode == null && attribute(reader, "code") != null) {
                    candidateServiceEventCode = new CodedValue(
                            attribute(reader, "code"),
                            attribute(reader, "codeSystem"),
                            attribute(reader, "displayName"));
                }
            }
            case SERVICE_TIME + "/low" -> candidateServiceStart = optionalTime(path, attribute(reader, "value"));
            case SERVICE_TIME + "/high" -> candidateServiceStop = optionalTime(path, attribute(reader, "value"));
            case RELATED_DOCUMENT -> {
                relatedTypeCode = attribute(reader, "typeCode");
                relatedIdFound = false;
                inReplacement = "RPLC".equals(relatedTypeCode);
            }
            case RELATED_DOCUMENT + "/parentDocument/id" -> {
                String parentId = documentId(reader);
                if (inReplacement) {
                    replaces = firstNonNull(replaces, parentId);
                }
                if (parentId != null && !relatedIdFound) {
                    relatedIdFound = true;
                    relatedDocuments.add(new CdaHeader.RelatedDocument(relatedTypeCode, parentId));
                }
            }
            default -> {
                // not part of what the header record carries
            }
        }
        return true;
    }

    void text(XMLStreamReader reader) {
        if (capturedText != null) {
            capturedText.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
        }
    }

    void end() {
        String path = openElements.pop();
        if (path.equals(capturedPath)) {
            captured(path, collapseWhitespace(capturedText));
            capturedPath = null;
            capturedText = null;
        }
        switch (path) {
            case DOCUMENTATION_OF -> {
                if (!servicePeriodFound && (candidateServiceStart != null || candidateServiceStop != null)) {
                    servicePeriodFound = true;
                    serviceStart = candidateServiceStart;
                    serviceStop = candidateServiceStop;
                }
                serviceEventCode = firstNonNull(serviceEventCode, candidateServiceEventCode);
            }
            case RELATED_DOCUMENT -> inReplacement = false;
            default -> {
                // nothing to complete
            }
        }
    }

    CdaHeader header() {
        return new CdaHeader(
                uniqueId,
                patientIds,
                code,
                title,
                effectiveTime,
                effectiveDateTime,
                confidentialityCode,
                languageCode,
                setId,
                versionNumber,
                author(),
                organization(custodianId, custodianName),
                legalAuthenticator,
                serviceStart,
                serviceStop,
                replaces,
                serviceEventCode,
                relatedDocuments);
    }

    private CdaHeader.Author author() {
        if (authorCount == 0) {
            return null;
        }
        return new CdaHeader.Author(
                authorId,
                joined(authorGivenNames),
                joined(authorFamilyNames),
                organization(authorOrganizationId, authorOrganizationName));
    }

    private static CdaHeader.Organization organization(Identifier id, String name) {
        return id == null && name == null ? null : new CdaHeader.Organization(id, name);
    }

    private void capture(String path) {
        if (capturedPath == null) {
            capturedPath = path;
            capturedText = new StringBuilder();
        }
    }

    private void captured(String path, String text) {
        if (text == null) {
            return;
        }
        switch (path) {
            case DOC + "/title" -> title = text;
            case AUTHOR_NAME + "/given" -> authorGivenNames.add(text);
            case AUTHOR_NAME + "/family" -> authorFamilyNames.add(text);
            case AUTHOR_ORGANIZATION + "/name" -> authorOrganizationName = firstNonNull(authorOrganizationName, text);
            case CUSTODIAN_ORGANIZATION + "/name" -> custodianName = firstNonNull(custodianName, text);
            default -> throw new IllegalStateException("no destination for captured text of " + path);
        }
    }

    /**
     * An element's path below its parent's. Past what any header path can be (an element outside the
     * HL7 namespace, a name or a path longer than the longest known one) it is {@link #UNMATCHED},
     * and so are its descendants': what the open elements hold stays proportional to the depth, never
     * to depth times the names' length (a long namespace URI repeated at every level).
     */
    private static String path(String parent, String segment) {
        if (parent == UNMATCHED || segment == UNMATCHED || parent.length() + segment.length() > MAX_PATH) {
            return UNMATCHED;
        }
        return parent + "/" + segment;
    }

    /** Elements outside the HL7 namespace get a segment that no header path matches. */
    private static String segment(XMLStreamReader reader) {
        return CdaHeaderReader.HL7_NAMESPACE.equals(reader.getNamespaceURI()) ? reader.getLocalName() : UNMATCHED;
    }

    private static String attribute(XMLStreamReader reader, String name) {
        return reader.getAttributeValue(null, name);
    }

    /** An II with both parts; one without an extension (or with a nullFlavor) names no one. */
    private static Identifier identifier(XMLStreamReader reader) {
        String root = attribute(reader, "root");
        String extension = attribute(reader, "extension");
        return isBlank(root) || isBlank(extension) ? null : new Identifier(root, extension);
    }

    /** {@code root^extension}, or {@code root} alone when it is the whole identifier. */
    private static String documentId(XMLStreamReader reader) {
        String root = attribute(reader, "root");
        if (isBlank(root)) {
            return null;
        }
        String extension = attribute(reader, "extension");
        return isBlank(extension) ? root : root + "^" + extension;
    }

    private static OffsetDateTime optionalTime(String path, String value) {
        return value == null ? null : time(path, value);
    }

    private static OffsetDateTime time(String path, String value) {
        try {
            return Hl7Time.parse(value);
        } catch (DocumentContentException e) {
            throw new DocumentContentException(path + " is not a valid HL7 timestamp");
        }
    }

    private static Integer integer(String path, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new DocumentContentException(path + " is not an integer");
        }
    }

    private static String collapseWhitespace(CharSequence text) {
        String collapsed = text.toString().strip().replaceAll("\\s+", " ");
        return collapsed.isEmpty() ? null : collapsed;
    }

    private static String joined(List<String> parts) {
        return parts.isEmpty() ? null : String.join(" ", parts);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static <T> T firstNonNull(T current, T candidate) {
        return current != null ? current : candidate;
    }
}
