package fr.coffre.extraction;

import com.fasterxml.aalto.stax.InputFactoryImpl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
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

    /**
     * Aalto, not the JDK's parser: it took 40 % less CPU on the corpus's CDAs read through the
     * same strict decoder (docs/benchmarks.md, session 41). Its factories are thread-safe once
     * configured, so one serves every document.
     */
    private static final XMLInputFactory FACTORY = factory();

    private final XMLStreamReader reader;
    private final BoundedInputStream bounded;
    private final Charset charset;
    private final int maxDepth;
    private final long maxBytes;
    private final String what;
    private int depth;

    private SecureXmlStream(
            XMLStreamReader reader,
            BoundedInputStream bounded,
            Charset charset,
            int maxDepth,
            long maxBytes,
            String what) {
        this.reader = reader;
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
        try {
            XMLStreamReader reader = FACTORY.createXMLStreamReader(decoded.reader());
            return new SecureXmlStream(reader, bounded, decoded.charset(), maxDepth, maxBytes, what);
        } catch (XMLStreamException e) {
            throw failure(e, bounded, decoded.charset(), maxBytes, what);
        }
    }

    private static XMLInputFactory factory() {
        // Named, not looked up: whatever else is on the class path, the settings below are Aalto's.
        XMLInputFactory factory = new InputFactoryImpl();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_VALIDATING, false);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are not allowed");
        });
        return factory;
    }

    XMLStreamReader reader() {
        return reader;
    }

    boolean hasNext() {
        try {
            return reader.hasNext();
        } catch (XMLStreamException e) {
            throw failure(e, bounded, charset, maxBytes, what);
        }
    }

    /** The next event, after the security checks. */
    int next() {
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
