package fr.coffre.extraction;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A StAX reader that refuses what makes XML dangerous: DOCTYPE (hence external entities and
 * entity expansion), entity references, nesting deeper than a limit and input larger than a
 * limit. Parser failures become {@link DocumentContentException}s whose messages hold a reason
 * and a position, never the parser's own message, which may quote the document.
 * Processing instructions are passed through as events and never acted upon.
 */
final class SecureXmlStream implements AutoCloseable {

    /** The JDK's own depth check stays as a backstop just above ours, so ours reports first. */
    private static final String JDK_MAX_ELEMENT_DEPTH = "jdk.xml.maxElementDepth";

    /**
     * Factories kept between documents, by depth limit: making and configuring one for each
     * document cost about 24 of the 372 µs a CDA of the corpus took to check (docs/benchmarks.md,
     * session 12). Each still makes a new reader for each document (the JDK reuses one only when
     * asked to, and is not here), and keeps its last one until its next use: a few kilobytes of
     * buffers. A factory serves one reader at a time.
     */
    private static final Map<Integer, Queue<XMLInputFactory>> IDLE = new ConcurrentHashMap<>();

    private static final int KEPT = 16;

    private final XMLStreamReader reader;
    private final XMLInputFactory factory;
    private final BoundedInputStream bounded;
    private final Charset charset;
    private final int maxDepth;
    private final long maxBytes;
    private final String what;
    private int depth;
    private boolean failed;

    private SecureXmlStream(
            XMLStreamReader reader,
            XMLInputFactory factory,
            BoundedInputStream bounded,
            Charset charset,
            int maxDepth,
            long maxBytes,
            String what) {
        this.reader = reader;
        this.factory = factory;
        this.bounded = bounded;
        this.charset = charset;
        this.maxDepth = maxDepth;
        this.maxBytes = maxBytes;
        this.what = what;
    }

    /**
     * @param what names the input in error messages, e.g. "CDA header"
     */
    static SecureXmlStream open(InputStream in, int maxDepth, long maxBytes, String what) {
        BoundedInputStream bounded = new BoundedInputStream(in, maxBytes);
        XmlDecoding.Decoded decoded;
        try {
            decoded = XmlDecoding.open(bounded);
        } catch (IOException e) {
            throw failure(e, bounded, null, maxBytes, what);
        }
        Queue<XMLInputFactory> idle = IDLE.computeIfAbsent(maxDepth, depth -> new ConcurrentLinkedQueue<>());
        XMLInputFactory factory = idle.poll();
        if (factory == null) {
            factory = factory(maxDepth);
        }
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(decoded.reader());
            return new SecureXmlStream(reader, factory, bounded, decoded.charset(), maxDepth, maxBytes, what);
        } catch (XMLStreamException e) {
            throw failure(e, bounded, decoded.charset(), maxBytes, what);
        }
    }

    private static XMLInputFactory factory(int maxDepth) {
        // The JDK's built-in implementation, whatever else is on the class path.
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_VALIDATING, false);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are not allowed");
        });
        factory.setProperty(JDK_MAX_ELEMENT_DEPTH, maxDepth + 1);
        return factory;
    }

    XMLStreamReader reader() {
        return reader;
    }

    boolean hasNext() {
        try {
            return reader.hasNext();
        } catch (XMLStreamException e) {
            failed = true;
            throw failure(e, bounded, charset, maxBytes, what);
        }
    }

    /** The next event, after the security checks. */
    int next() {
        try {
            return checked();
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private int checked() {
        int event;
        try {
            event = reader.next();
        } catch (XMLStreamException e) {
            throw failure(e, bounded, charset, maxBytes, what);
        }
        switch (event) {
            case XMLStreamConstants.DTD ->
                throw new DocumentContentException(
                        QuarantineReason.DOCTYPE_FORBIDDEN, "DOCTYPE declarations are not allowed");
            case XMLStreamConstants.ENTITY_REFERENCE ->
                throw new DocumentContentException(
                        QuarantineReason.DOCTYPE_FORBIDDEN, "entity references are not allowed");
            case XMLStreamConstants.START_ELEMENT -> {
                if (++depth > maxDepth) {
                    throw new DocumentContentException(
                            QuarantineReason.TOO_DEEP, "XML elements are nested deeper than " + maxDepth + " levels");
                }
            }
            case XMLStreamConstants.END_ELEMENT -> depth--;
            default -> {
                // other events need no check
            }
        }
        return event;
    }

    /** Reads to the end of the document, so that everything in it gets checked. */
    void drain() {
        while (hasNext()) {
            next();
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (XMLStreamException e) {
            // nothing left to release: the caller owns the input stream
            failed = true;
        }
        // A reader that failed is not reused: its factory is left to the collector.
        Queue<XMLInputFactory> idle = IDLE.get(maxDepth);
        if (!failed && idle.size() < KEPT) {
            idle.offer(factory);
        }
    }

    private static RuntimeException failure(
            Exception e, BoundedInputStream bounded, Charset charset, long maxBytes, String what) {
        if (bounded.limitExceeded()) {
            return new DocumentContentException(
                    QuarantineReason.TOO_LARGE, what + " is larger than " + maxBytes + " bytes");
        }
        if (hasCause(e, CharacterCodingException.class)) {
            String encoding = charset == null ? "the declared encoding" : charset.name();
            return new DocumentContentException(
                    QuarantineReason.INVALID_ENCODING,
                    "the document is not valid " + encoding + " (invalid byte sequence)",
                    e);
        }
        IOException io = cause(e, IOException.class);
        if (io != null) {
            return new UncheckedIOException(io);
        }
        return new DocumentContentException(QuarantineReason.MALFORMED_XML, "XML is not well-formed" + position(e), e);
    }

    private static String position(Exception e) {
        if (e instanceof XMLStreamException xml && xml.getLocation() != null) {
            Location location = xml.getLocation();
            return " (line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ")";
        }
        return "";
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        return cause(t, type) != null;
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = underlying(c)) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static Throwable underlying(Throwable t) {
        if (t.getCause() == null && t instanceof XMLStreamException xml) {
            return xml.getNestedException();
        }
        return t.getCause();
    }
}
