package fr.coffre.push;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** What a run was asked to do: from the command line, then COFFRE_PUSH_* variables, then defaults (the local stack). */
record Options(
        Path source,
        String url,
        String tokenUrl,
        String clientId,
        String clientSecret,
        int batchSize,
        Path journal,
        Path report,
        Duration maxWait) {

    static final String USAGE =
            """
            usage: coffre-push [options] FOLDER|LIST-FILE
              Uploads every file of FOLDER (recursively), or every path listed in LIST-FILE (one per
              line), as submission sets. A file's metadata, when its content does not carry it (a CDA
              does), is read from FILE.metadata.json beside it (the API's metadata object).
              Accepted documents are noted in a journal beside the source: a second run sends only
              what was not accepted. Exits 0 when every document was accepted, 2 when some were
              rejected (see the report), 1 when the run could not go on.

              --url URL             the API (COFFRE_PUSH_URL; http://127.0.0.1:8080)
              --token-url URL       the OIDC token endpoint (COFFRE_PUSH_TOKEN_URL; the local realm's)
              --client-id ID        the producer's client (COFFRE_PUSH_CLIENT_ID; chu-lyon-dpi)
              --client-secret S     its secret (COFFRE_PUSH_CLIENT_SECRET; the local realm's)
              --batch N             documents per submission set (20)
              --journal FILE        the journal (SOURCE.coffre-push.journal, beside the source)
              --report FILE         the CSV report (SOURCE.coffre-push.csv)
              --max-wait SECONDS    longest wait the server may ask for (Retry-After) before giving up (600)
            """;

    static Options parse(String[] args, Map<String, String> environment) {
        String url = environment.getOrDefault("COFFRE_PUSH_URL", "http://127.0.0.1:8080");
        String tokenUrl = environment.getOrDefault(
                "COFFRE_PUSH_TOKEN_URL", "http://127.0.0.1:58080/realms/coffre/protocol/openid-connect/token");
        String clientId = environment.getOrDefault("COFFRE_PUSH_CLIENT_ID", "chu-lyon-dpi");
        String clientSecret = environment.getOrDefault("COFFRE_PUSH_CLIENT_SECRET", "chu-lyon-local-secret");
        int batch = 20;
        Path journal = null;
        Path report = null;
        long maxWait = 600;
        Path source = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--url" -> url = value(args, ++i, arg);
                case "--token-url" -> tokenUrl = value(args, ++i, arg);
                case "--client-id" -> clientId = value(args, ++i, arg);
                case "--client-secret" -> clientSecret = value(args, ++i, arg);
                case "--batch" -> batch = Integer.parseInt(value(args, ++i, arg));
                case "--journal" -> journal = Path.of(value(args, ++i, arg));
                case "--report" -> report = Path.of(value(args, ++i, arg));
                case "--max-wait" -> maxWait = Long.parseLong(value(args, ++i, arg));
                case "-h", "--help" -> throw new UsageException("");
                default -> {
                    if (arg.startsWith("-") || source != null) {
                        throw new UsageException("unknown argument " + arg);
                    }
                    source = Path.of(arg);
                }
            }
        }
        if (source == null || !Files.exists(source)) {
            throw new UsageException(source == null ? "no folder or list file given" : "no such file: " + source);
        }
        if (batch < 1) {
            throw new UsageException("--batch must be at least 1");
        }
        Path base = source.toAbsolutePath().normalize();
        String name = base.getFileName().toString();
        return new Options(
                base,
                url.replaceAll("/+$", ""),
                tokenUrl,
                clientId,
                clientSecret,
                batch,
                journal != null ? journal : base.resolveSibling(name + ".coffre-push.journal"),
                report != null ? report : base.resolveSibling(name + ".coffre-push.csv"),
                Duration.ofSeconds(maxWait));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
