package fr.coffre.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks, on a running service, that generated documents are accepted (201) and end INDEXED:
 * every template of every kind once, plus {@code -Dlarge=N} large documents (default 0).
 * Exits 1 if any is refused or ends otherwise. Parameters: -Dbase.url, -Dkeycloak.url,
 * -Dcoffre.corpus, -Dseed, -Drun.id, -Dwait.seconds (120).
 */
public final class AcceptanceCheck {

    public static void main(String[] args) throws Exception {
        Corpus corpus = Corpus.locate();
        String runId = Settings.runId() + "-check";
        DocumentGenerator generator = new DocumentGenerator(corpus, Settings.seed(), runId);
        List<GeneratedDocument> documents = new ArrayList<>();
        Set<String> templates = new HashSet<>();
        long index = 0;
        for (DocumentKind kind : DocumentKind.values()) {
            int wanted = switch (kind) {
                case LAB_RESULT -> DocumentGenerator.LAB_TEMPLATES.size();
                case LETTER -> DocumentGenerator.LETTER_TEMPLATES.size();
                case PDF -> DocumentGenerator.PDF_TEMPLATES.size();
                case IMAGE -> DocumentGenerator.IMAGE_TEMPLATES.size();
                case FHIR -> DocumentGenerator.FHIR_TEMPLATES.size();
            };
            int found = 0;
            for (int tries = 0; found < wanted && tries < 400; tries++) {
                GeneratedDocument d = generator.document(index++, kind);
                if (!d.large() && templates.add(d.template())) {
                    documents.add(d);
                    found++;
                }
            }
        }
        int large = Settings.integer("large", 0);
        for (long i = index; large > 0 && i < index + 10_000; i++) {
            GeneratedDocument d = generator.document(i);
            if (d.large()) {
                documents.add(d);
                large--;
            }
        }

        int failures = 0;
        try (Tokens tokens = Tokens.forProducers()) {
            Producers producers = new Producers(Settings.baseUrl(), tokens);
            List<String[]> accepted = new ArrayList<>();
            for (GeneratedDocument d : documents) {
                Producers.Answer answer = producers.upload(d, d.kind().producer);
                System.out.printf("%-4d %-10s %9s %-62s -> %d%n", d.index(), d.kind(), Sizes.human(d.size()),
                        d.template(), answer.status());
                if (answer.status() != 201) {
                    System.out.println("     refused: " + answer.body());
                    failures++;
                } else {
                    accepted.add(new String[] {answer.id(), d.kind().producer, d.template()});
                }
            }
            long deadline = System.currentTimeMillis() + 1000L * Settings.integer("wait.seconds", 120);
            for (String[] doc : accepted) {
                Producers.Answer status;
                do {
                    status = producers.status(doc[0], doc[1]);
                    if (!"STORED".equals(status.documentStatus())) {
                        break;
                    }
                    Thread.sleep(500);
                } while (System.currentTimeMillis() < deadline);
                System.out.printf("%s %-62s %s %s%n", doc[0], doc[2], status.documentStatus(), status.reason());
                if (!"INDEXED".equals(status.documentStatus())) {
                    failures++;
                }
            }
        }
        System.out.println(failures == 0 ? "all " + documents.size() + " documents accepted and INDEXED"
                : failures + " of " + documents.size() + " documents refused or not INDEXED");
        System.exit(failures == 0 ? 0 : 1);
    }
}
