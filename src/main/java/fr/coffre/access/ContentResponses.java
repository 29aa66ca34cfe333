package fr.coffre.access;

import fr.coffre.document.Document;
import fr.coffre.problem.Problem;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import fr.coffre.storage.DocumentObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a document's bytes as they stream from object storage, never whole in memory: its media
 * type, a file name that is safe anywhere, its sha256 as a strong ETag (If-None-Match answers
 * 304), and one byte range on request (206, or 416 when it lies outside the document). Nothing sent
 * can run in a browser: a sandbox policy on every answer, and XML or HTML as an attachment.
 */
@ApplicationScoped
public class ContentResponses {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final Map<String, String> EXTENSIONS = Map.of(
            "application/pdf",
            ".pdf",
            "image/jpeg",
            ".jpg",
            "image/png",
            ".png",
            "image/tiff",
            ".tiff",
            "text/plain",
            ".txt",
            "application/rtf",
            ".rtf",
            "text/rtf",
            ".rtf",
            "application/fhir+json",
            ".json",
            "application/fhir+xml",
            ".xml");

    private final DocumentObjectStore store;

    public ContentResponses(DocumentObjectStore store) {
        this.store = store;
    }

    /** Blocking: call it from a virtual or worker thread. */
    public Response send(Document document, HttpHeaders headers) {
        String etag = "\"" + document.sha256() + "\"";
        String ifNoneMatch = headers.getHeaderString(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null
                && (ifNoneMatch.trim().equals("*")
                        || Arrays.stream(ifNoneMatch.split(","))
                                .map(String::trim)
                                .map(t -> t.startsWith("W/") ? t.substring(2) : t)
                                .anyMatch(etag::equals))) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).build();
        }
        long size = document.size();
        long start = 0;
        long end = size - 1;
        boolean partial = false;
        String range = headers.getHeaderString("Range");
        if (range != null && !range.contains(",")) {
            Matcher m = RANGE.matcher(range.trim());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                if (m.group(1).isEmpty()) {
                    start = Math.max(0, size - position(m.group(2)));
                } else {
                    start = position(m.group(1));
                    end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, position(m.group(2)));
                }
                if (start >= size || start > end) {
                    return Response.status(416)
                            .header("Content-Range", "bytes */" + size)
                            .type(Problem.MEDIA_TYPE)
                            .entity(Problem.of(
                                    ProblemType.RANGE_NOT_SATISFIABLE, "The document has " + size + " bytes."))
                            .build();
                }
                partial = true;
            }
        }
        long length = end - start + 1;
        InputStream bytes = open(document, start, length, partial);
        StreamingOutput body = out -> {
            try (bytes) {
                bytes.transferTo(out);
            }
        };
        Response.ResponseBuilder answer = Response.status(partial ? 206 : 200)
                .entity(body)
                .type(document.mediaType())
                .header(HttpHeaders.CONTENT_LENGTH, length)
                .header(HttpHeaders.ETAG, etag)
                .header("Accept-Ranges", "bytes")
                .header("X-Content-Type-Options", "nosniff")
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store")
                // Whatever a document holds, a browser that opens it runs none of it (a CDA's narrative
                // is XHTML, a producer's XML may carry script).
                .header("Content-Security-Policy", "sandbox")
                .header("Content-Disposition", disposition(document));
        if (partial) {
            answer.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        return answer.build();
    }

    /** A range bound: digits, so a number past what a long holds is "beyond any document", not an error. */
    private static long position(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Types a browser could render as active content are downloaded, never displayed. */
    static boolean executable(String mediaType) {
        String type = mediaType.toLowerCase(Locale.ROOT);
        return type.contains("xml") || type.contains("html") || type.contains("svg") || type.contains("javascript");
    }

    private InputStream open(Document document, long start, long length, boolean partial) {
        try {
            return partial ? store.open(document.objectKey(), start, length) : store.open(document.objectKey());
        } catch (Exception e) {
            throw ProblemException.retryLater(
                    ProblemType.DEPENDENCY_UNAVAILABLE,
                    "The document's bytes cannot be read from storage now; retry later.",
                    Duration.ofSeconds(5));
        }
    }

    /** A name from the title, cut to letters, digits and a few marks, so no client or filesystem can misread it. */
    static String disposition(Document document) {
        String title =
                document.entry().title() == null || document.entry().title().isBlank()
                        ? "document"
                        : document.entry().title();
        String ascii = Normalizer.normalize(title, Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "")
                .replaceAll("[^A-Za-z0-9 ._-]", "_")
                .replaceAll("[ _]+", "_")
                .replaceAll("^[._]+", "");
        if (ascii.isEmpty()) {
            ascii = "document";
        }
        ascii = ascii.substring(0, Math.min(80, ascii.length()));
        String extension = EXTENSIONS.getOrDefault(
                document.mediaType().toLowerCase(Locale.ROOT),
                document.mediaType().contains("xml") ? ".xml" : "");
        String name = ascii + extension;
        return (executable(document.mediaType()) ? "attachment" : "inline") + "; filename=\"" + name
                + "\"; filename*=UTF-8''"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
