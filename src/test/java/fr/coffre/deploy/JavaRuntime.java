package fr.coffre.deploy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;

/**
 * The image's Java runtime: {@code jlink} from the JDK that runs this code, with only the modules
 * the service uses. A module missing here shows as a failure to start or to extract a document,
 * which ContainerImageIT would see.
 */
final class JavaRuntime {

    /** Where the runtime lies in the image, as in eclipse-temurin's images. */
    static final String HOME = "/opt/java/openjdk";

    /**
     * The modules, each for a reason; jlink adds what they require (java.prefs, java.datatransfer,
     * java.transaction.xa...). The first group is every module whose packages the classes of
     * target/quarkus-app name, but java.compiler and jdk.compiler, named only by Vert.x's and
     * JAXB's code generators and Vert.x's compiler of source verticles, which the service does not
     * run ({@code jdeps} misses some: it stops at the modular jars whose module-info requires
     * another jar). The second group is reached by name (service providers, charsets, locales,
     * file systems) or by operators, which no scan of the classes sees.
     */
    static final List<String> MODULES = List.of(
            "java.base",
            "java.desktop", // Tika and PDFBox read images and fonts with java.awt and javax.imageio, headless
            "java.xml", // CDA and FHIR headers, Tika's XML and OOXML parsers
            "java.xml.crypto", // POI's OOXML signature classes, which Tika's Office parsers link
            "java.logging", // JBoss LogManager implements java.util.logging
            "java.sql", // Flyway, the PostgreSQL JDBC driver, Hibernate
            "java.rmi", // Jakarta Transactions' exceptions extend RMI's RemoteException
            "java.naming", // Hibernate, Narayana, Netty's DNS resolver, the JDBC driver
            "java.management", // Micrometer's and OpenTelemetry's JVM metrics, Kafka's MBeans
            "jdk.management", // the operating system and thread metrics beyond java.management
            "java.security.jgss", // Kafka's and the JDBC driver's SASL and GSS code, linked even for SCRAM
            "java.security.sasl", // Kafka's SASL/SCRAM
            "java.scripting", // Tika's Access database parser (jackcess)
            "java.instrument", // Byte Buddy (Hibernate), and agents an operator adds with JAVA_OPTS_APPEND
            "java.net.http", // jsoup (Tika's HTML parser)
            "jdk.unsupported", // sun.misc.Unsafe for Netty, JCTools, Guava and Kafka
            "jdk.jfr", // OpenTelemetry's runtime metrics, and flight recordings for operators
            // Reached by name, or by operators.
            "jdk.management.jfr", // flight recordings streamed over JMX
            "jdk.jcmd", // jcmd inside the container: thread dumps, heap summary, JFR.dump
            "jdk.security.auth", // the JAAS login modules a Kafka SASL configuration may name
            "jdk.crypto.cryptoki", // the PKCS#11 provider the JDK's java.security lists
            "jdk.crypto.ec", // still a module in JDK 25 (its classes moved to java.base), for old configurations
            "jdk.naming.dns", // JNDI's DNS provider, for java.naming users that look up dns: names
            "jdk.charsets", // the non-Unicode charsets documents come in (windows-1252, ISO-8859-15...)
            "jdk.localedata", // French dates and numbers, and every locale a document may name
            "jdk.zipfs", // jars and zip containers opened as file systems
            "jdk.net"); // extended socket options (TCP keepalive timings) Netty and Vert.x may set

    private JavaRuntime() {}

    /** Links the runtime into {@code output}, which must not exist yet. */
    static Path link(Path output) {
        if (Files.exists(output)) {
            throw new IllegalArgumentException(output + " exists: jlink writes a new directory");
        }
        ToolProvider jlink = ToolProvider.findFirst("jlink")
                .orElseThrow(() -> new IllegalStateException("jlink needs a JDK, not a JRE: " + javaHome()));
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(messages, true, StandardCharsets.UTF_8);
        int status = jlink.run(
                out,
                out,
                "--add-modules",
                String.join(",", MODULES),
                "--strip-debug",
                "--no-man-pages",
                "--no-header-files",
                // The class data sharing archive eclipse-temurin's images carry too: each JVM the
                // service starts (the health probe, every extraction process) starts faster.
                "--generate-cds-archive",
                "--output",
                output.toString());
        if (status != 0) {
            throw new IllegalStateException(
                    "jlink failed (" + status + "): " + messages.toString(StandardCharsets.UTF_8));
        }
        return output;
    }

    static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }
}
