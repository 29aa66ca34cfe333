package fr.coffre.mhd;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.coffre.extraction.BoundedOutputStream;
import fr.coffre.extraction.NewFileOutput;
import fr.coffre.observability.LogSafe;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.jboss.logging.Logger;

/**
 * Reads a FHIR JSON resource sent for publication in one pass: its elements into a tree, except
 * every {@code data} element (an attachment's or a Binary's base64 content), which is decoded as it
 * is read into a temporary file. A document is never held whole in memory, whatever order the
 * resource's elements come in: its metadata may well follow its content.
 */
public final class FhirPayloadReader {

    private static final Logger LOG = Logger.getLogger(FhirPayloadReader.class);

    /** Metadata are small: any string but a payload longer than this is refused. */
    static final int MAX_STRING = 1 << 20;

    static final int MAX_DECIMAL_SCALE = 1000;

    /**
     * And so are all of them together, which are held in memory: past this many characters of
     * names and values (each element counting 8 more), the body is refused before the rest is read.
     */
    static final long MAX_METADATA = 2L << 20;

    static final int MAX_DEPTH = 64;

    private final JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();

    /**
     * The room temporary files may take, shared by every publication an instance reads at once:
     * a reservation past it fails (503), and what a read reserved is given back when it is closed.
     */
    public interface Budget {
        Budget UNLIMITED = new Budget() {
            @Override
            public void reserve(long bytes) {}

            @Override
            public void release(long bytes) {}
        };

        void reserve(long bytes);

        void release(long bytes);

        /** The answer when a temporary file cannot be written (a full disk): the instance's failure, 503. */
        default ProblemException noRoom() {
            return ProblemException.retryLater(ProblemType.OVERLOADED, NO_ROOM, Duration.ofSeconds(5));
        }
    }

    static final String NO_ROOM =
            "This instance could not write the request's documents to its temporary space; nothing was kept. Retry"
                    + " later.";

    private final Budget budget;
    private final Path directory;

    public FhirPayloadReader() {
        this(Budget.UNLIMITED, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** @param directory where the payloads are decoded to */
    public FhirPayloadReader(Budget budget, Path directory) {
        this.budget = budget;
        this.directory = directory;
    }

    /** A decoded payload: its file, its length and its SHA-1 (what FHIR's Attachment.hash holds). */
    public record Payload(Path file, long size, byte[] sha1) {}

    /** The resource without its payloads, and each payload by its JSON path (e.g. {@code /content/0/attachment/data}). */
    public static final class Read implements AutoCloseable {

        private final ObjectNode resource;
        private String xml;
        private String xmlType;
        private final Map<String, Payload> payloads = new LinkedHashMap<>();
        private final long maxTotal;
        private final Budget budget;
        private final Path directory;
        private long metadata;
        private long spooled;
        private long reserved;

        void held(long characters) {
            metadata += characters + 8;
            if (metadata > MAX_METADATA) {
                throw new ProblemException(
                        ProblemType.REQUEST_TOO_LARGE,
                        "The resource's elements, its data left aside, are larger than " + MAX_METADATA
                                + " characters.");
            }
        }

        Read(ObjectNode resource, long maxTotal, Budget budget, Path directory) {
            this.resource = resource;
            this.maxTotal = maxTotal;
            this.budget = budget;
            this.directory = directory;
        }

        void reserve(long bytes) {
            budget.reserve(bytes);
            reserved += bytes;
        }

        /** The resource as read from JSON (empty when it was XML). */
        public ObjectNode resource() {
            return resource;
        }

        void xml(String type, String text) {
            xmlType = type;
            xml = text;
        }

        /** The resource's type, whichever format it came in. */
        public String resourceType() {
            return xml != null ? xmlType : resource.path("resourceType").asText();
        }

        /** The resource, its data elements left out, as HAPI reads it strictly. */
        public <T extends IBaseResource> T parse(Fhir fhir, Class<T> type) {
            return xml != null ? fhir.readXml(type, xml) : fhir.read(type, resource.toString());
        }

        void add(String path, Payload payload) {
            if (payloads.putIfAbsent(path, payload) != null) {
                try {
                    Files.deleteIfExists(payload.file());
                } catch (IOException e) {
                    payload.file().toFile().deleteOnExit();
                }
                throw invalid("Two data elements stand at " + path + ".");
            }
            spooled += payload.size();
            held(path.length() + 64); // an empty payload is a file too: they are counted
        }

        public Map<String, Payload> payloads() {
            return payloads;
        }

        @Override
        public void close() {
            budget.release(reserved);
            reserved = 0;
            for (Payload payload : payloads.values()) {
                Path file = payload.file();
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            }
        }
    }

    /**
     * @param maxPayload the most bytes a payload may decode to; past it the request is refused
     *                   (413) before the rest is read
     */
    public Read read(InputStream body, long maxPayload) {
        return read(body, maxPayload, Long.MAX_VALUE);
    }

    /**
     * @param maxPayload the most bytes a payload may decode to; past it the request is refused
     *                   (413) before the rest is read
     * @param maxTotal   the most bytes all payloads together may decode to, as {@code maxPayload}
     */
    public Read read(InputStream body, long maxPayload, long maxTotal, FhirFormat format) {
        // Whitespace between tokens and inside base64 costs nothing to hold but time to read: the
        // body as a whole is bounded by what its data and metadata may be, written out generously.
        long most = maxTotal / 3 * 4 * 11 / 10 + 4 * MAX_METADATA + (1 << 20);
        InputStream bounded = new BoundedInputStream(body, most);
        if (format == FhirFormat.JSON) {
            return read(bounded, maxPayload, maxTotal);
        }
        body = bounded;
        Read read = new Read(JsonNodeFactory.instance.objectNode(), maxTotal, budget, directory);
        try {
            new XmlPayloadScanner(body, read, maxPayload).scan();
            return read;
        } catch (IOException e) {
            read.close();
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The request body could not be read to its end.");
        } catch (RuntimeException e) {
            read.close(); // what was spooled before the failure
            throw e;
        }
    }

    public Read read(InputStream body, long maxPayload, long maxTotal) {
        try (JsonParser parser = factory.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("The body must be one FHIR resource, a JSON object.");
            }
            Read read = new Read(JsonNodeFactory.instance.objectNode(), maxTotal, budget, directory);
            try {
                object(parser, read.resource, "", read, maxPayload);
                if (parser.nextToken() != null) {
                    throw invalid("The body has content after its resource.");
                }
                return read;
            } catch (IOException | RuntimeException e) {
                read.close(); // what was spooled before the failure
                throw e;
            }
        } catch (StreamConstraintsException e) {
            throw invalid("The resource is nested too deeply or holds a string of more than " + MAX_STRING
                    + " characters outside its data elements.");
        } catch (JsonProcessingException e) {
            throw invalid("The body is not well-formed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The request body could not be read to its end.");
        }
    }

    private void object(JsonParser parser, ObjectNode into, String path, Read read, long maxPayload)
            throws IOException {
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            String name = parser.currentName();
            read.held(name.length());
            JsonToken value = parser.nextToken();
            String here = path + "/" + name;
            if (name.equals("data") && value == JsonToken.VALUE_STRING) {
                read.add(here, spool(read, maxPayload, parser::readBinaryValue));
            } else {
                into.set(name, value(parser, value, here, read, maxPayload));
            }
        }
    }

    private JsonNode value(JsonParser parser, JsonToken token, String path, Read read, long maxPayload)
            throws IOException {
        read.held(token == JsonToken.VALUE_STRING ? parser.getTextLength() : 0);
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode node = JsonNodeFactory.instance.objectNode();
                object(parser, node, path, read, maxPayload);
                yield node;
            }
            case START_ARRAY -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                int i = 0;
                for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                    array.add(value(parser, item, path + "/" + i++, read, maxPayload));
                }
                yield array;
            }
            case VALUE_STRING -> JsonNodeFactory.instance.textNode(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> JsonNodeFactory.instance.numberNode(decimal(parser, path));
            case VALUE_TRUE -> JsonNodeFactory.instance.booleanNode(true);
            case VALUE_FALSE -> JsonNodeFactory.instance.booleanNode(false);
            case VALUE_NULL -> JsonNodeFactory.instance.nullNode();
            default -> throw invalid("Unexpected JSON at " + path + ".");
        };
    }

    // An exponent of millions of digits is refused by the parser, one of thousands would be written out whole later.
    private static BigDecimal decimal(JsonParser parser, String path) throws IOException {
        try {
            BigDecimal number = parser.getDecimalValue();
            if (Math.abs((long) number.scale()) <= MAX_DECIMAL_SCALE) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Refused below, as a number past the scale.
        }
        throw invalid("The number at " + path + " is beyond what a FHIR decimal holds.");
    }

    /** What writes a payload's decoded bytes, and says how many it wrote. */
    interface Decoding {
        long writeTo(OutputStream out) throws IOException;
    }

    /**
     * A data element's base64, decoded into a new temporary file as it is read, within the
     * payload's limit, the request's and the instance's budget.
     */
    static Payload spool(Read read, long maxPayload, Decoding decoding) throws IOException {
        long maxTotal = read.maxTotal;
        long leftInTotal = maxTotal - read.spooled;
        Path file;
        try {
            file = Files.createTempFile(read.directory, "coffre-fhir-", ".bin");
        } catch (IOException e) {
            throw new SpoolFile.Failure(e).answer(read.budget);
        }
        OutputStream disk;
        try {
            disk = NewFileOutput.open(file);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw new SpoolFile.Failure(e).answer(read.budget);
        }
        MessageDigest sha1 = sha1();
        long size;
        try (OutputStream out = new BoundedOutputStream(
                new Reserving(new DigestOutputStream(new SpoolFile(disk), sha1), read),
                Math.min(maxPayload, leftInTotal),
                () -> leftInTotal < maxPayload
                        ? new ProblemException(
                                ProblemType.REQUEST_TOO_LARGE,
                                "The documents of one request may have at most " + maxTotal + " bytes together.")
                        : new ProblemException(
                                ProblemType.DOCUMENT_TOO_LARGE,
                                "A document may have at most " + maxPayload + " bytes."))) {
            size = decoding.writeTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            if (e instanceof SpoolFile.Failure failure) {
                throw failure.answer(read.budget);
            }
            if (e instanceof JsonProcessingException json) {
                throw invalid("A data element is not valid base64: " + json.getOriginalMessage());
            }
            if (e instanceof IllegalArgumentException) {
                // Jackson's, or the JDK's, report of a character outside the base64 alphabet
                throw invalid("A data element is not valid base64.");
            }
            throw e;
        }
        return new Payload(file, size, sha1.digest());
    }

    /** A body that may not be longer than its limit: past it, 413 before the rest is read. */
    private static final class BoundedInputStream extends FilterInputStream {
        private final long limit;
        private long read;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = in.read(bytes, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) {
            read += n;
            if (read > limit) {
                throw new ProblemException(
                        ProblemType.REQUEST_TOO_LARGE,
                        "The body is longer than its documents and metadata may make it (" + limit + " bytes).");
            }
        }
    }

    /**
     * The temporary file's own writes. Its failures (a full disk) are told apart from the body's:
     * the request is not malformed, the instance failed it (503).
     */
    static final class SpoolFile extends FilterOutputStream {

        SpoolFile(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new Failure(e);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                throw new Failure(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw new Failure(e);
            }
        }

        /** A temporary file that could not be written. */
        static final class Failure extends IOException {
            Failure(IOException cause) {
                super(cause.getMessage(), cause);
            }

            ProblemException answer(Budget budget) {
                LOG.warnf("A FHIR payload could not be written to a temporary file: %s", LogSafe.describe(this));
                return budget.noRoom();
            }
        }
    }

    /** Takes room in the budget for each chunk before it is written. */
    private static final class Reserving extends FilterOutputStream {
        private final Read read;

        Reserving(OutputStream out, Read read) {
            super(out);
            this.read = read;
        }

        @Override
        public void write(int b) throws IOException {
            read.reserve(1);
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            read.reserve(length);
            out.write(bytes, offset, length);
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-1", e);
        }
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.MALFORMED_REQUEST, detail);
    }
}
