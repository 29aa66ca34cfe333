package fr.coffre.load;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes the documents of a load run from the corpus templates, deterministically: the same seed,
 * run id and index always give the same bytes, and two indexes (or two run ids) never give the
 * same document. Nothing is written to disk.
 *
 * <p>The mix by count: 50 % laboratory results (CDA level 3, 20 to 150 KiB), 20 % hospital
 * letters (CDA level 1 with an embedded PDF, 50 to 500 KiB), 15 % PDFs (50 KiB to 2 MiB), 10 %
 * images (JPEG or PNG, 100 KiB to 3 MiB), 5 % FHIR documents. 2 % of all documents are large
 * (5 to 20 MiB): they are drawn among the PDFs and images, the kinds that are large in real life.
 */
public final class DocumentGenerator {

    /** The root of the unique ids given to documents that carry none of their own (PDF, images, FHIR). */
    public static final String LOAD_ID_ROOT = "1.2.250.1.213.1.1.9.99";
    /** Share of all documents that are large; drawn among the kinds that may be. */
    public static final double LARGE_SHARE = 0.02;

    static final List<String> LAB_TEMPLATES = List.of(
            "cda/BIO-CR-BIO_2024.01_TSH_1.xml",
            "cda/BIO-CR-BIO_2024.01_Microbiologie_V2.xml",
            "cda/BIO-CR-BIO_2024.01_DEP-CCU-tout-structuré.xml",
            "cda/BIO-TROD_2024.01_COVID-19.xml");
    static final List<String> LETTER_TEMPLATES = List.of(
            "cda/IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml",
            "cda/TLM-CR_2022.01.xml",
            "cda/BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml");
    /** PDF templates with the LOINC type and title a producer would declare for them. */
    static final List<String[]> PDF_TEMPLATES = List.of(
            new String[] {"pdf/CR-BIO_TSH_rendition.pdf", "11502-2", "CR d'examens biologiques"},
            new String[] {"pdf/CR-BIO_Microbiologie_rendition.pdf", "11502-2", "CR d'examens biologiques"},
            new String[] {"pdf/CR-BIO_N1_rendition.pdf", "11502-2", "CR d'examens biologiques"},
            new String[] {"pdf/HL7-CCDA_lab-result_164947.pdf", "11502-2", "CR d'examens biologiques"},
            new String[] {"pdf/CR-IMG_N1_rendition.pdf", "18748-4", "CR d'imagerie médicale"},
            new String[] {"pdf/TLM-CR_rendition.pdf", "85208-7", "CR de téléconsultation"},
            new String[] {"pdf/eP-MED_ordonnance_rendition.pdf", "57833-6", "Prescription de médicaments"},
            new String[] {"pdf/DLU-FLUDR_attachment.pdf", "74207-2", "Fiche de liaison d'urgence"},
            new String[] {"pdf/DLU-EHPAD_attachment.pdf", "74207-2", "Document de liaison d'urgence"},
            new String[] {"pdf/HL7-CCDA_UD_sample.pdf", "18842-5", "Synthèse de séjour"});
    // Not pdf/FOP_cid-fonts.pdf: its cross-reference offsets are wrong in the corpus, so readers
    // rebuild them by scanning the whole file, which a padded copy would make a cost of its own.
    static final List<String> IMAGE_TEMPLATES = List.of(
            "img/OPH-CR-RTN_retinographie.jpg",
            "img/FOP_fop.jpg",
            "img/HL7-CCDA_ResultsWithLabLocation.png",
            "img/CR-BIO_electrophorese.png",
            "img/eP-MED_logo.png");
    /** The FHIR samples the service accepts once their patient is a valid INS. */
    static final List<String> FHIR_TEMPLATES = List.of(
            "fhir/Bundle-example-annexe-fhir-document.json",
            "fhir/Bundle-example-td2-iti65-lot-soumission.json",
            "fhir/DocumentReference-doc-x-id.json",
            "fhir/DocumentReference-example-td2-iti105-publication-simplifiee.json",
            "fhir/DocumentReference-example-td3-1a-cr-consultation.xml");

    private static final String LOINC = "2.16.840.1.113883.6.1";
    private static final DateTimeFormatter HL7_TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmssxx");
    private static final long DATES_FROM = OffsetDateTime.parse("2024-01-01T00:00:00+01:00").toEpochSecond();
    private static final long DATES_TO = OffsetDateTime.parse("2026-10-31T00:00:00+01:00").toEpochSecond();
    private static final int GENERATED_PATIENTS = 500;

    private final Corpus corpus;
    private final long seed;
    private final String runId;
    private final double knownPatientShare;
    private final List<String> fhirTemplates;

    public DocumentGenerator(Corpus corpus, long seed, String runId) {
        this(corpus, seed, runId, 0.8, FHIR_TEMPLATES);
    }

    /**
     * @param knownPatientShare share of documents filed under the realm's two patients
     *        (patient.dominique and patient.camille), so that patient scenarios find them; the
     *        others go to generated patients
     */
    public DocumentGenerator(Corpus corpus, long seed, String runId, double knownPatientShare, List<String> fhirTemplates) {
        if (!runId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("a run id is 1 to 64 letters, digits, '.', '_' or '-': " + runId);
        }
        this.corpus = corpus;
        this.seed = seed;
        this.runId = runId;
        this.knownPatientShare = knownPatientShare;
        this.fhirTemplates = List.copyOf(fhirTemplates);
    }

    public String runId() {
        return runId;
    }

    /** The extension part of every unique id of this run starts with this. */
    public String uniqueIdPrefix() {
        return runId + "-";
    }

    /** Document {@code index} of the realistic mix. */
    public GeneratedDocument document(long index) {
        return document(index, null);
    }

    /** Document {@code index}, of the given kind (null: drawn from the realistic mix). */
    public GeneratedDocument document(long index, DocumentKind forced) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 1);
        DocumentKind kind = forced != null ? forced : drawKind(random);
        double largeChance = LARGE_SHARE / ((DocumentKind.PDF.share + DocumentKind.IMAGE.share) / 100.0);
        boolean large = kind.mayBeLarge() && random.nextDouble() < largeChance;
        String patient = drawPatient(random);
        OffsetDateTime date = OffsetDateTime.ofInstant(
                Instant.ofEpochSecond(random.nextLong(DATES_FROM, DATES_TO)), ZoneOffset.ofHours(1));
        String extension = runId + "-" + index;
        GeneratedDocument document = switch (kind) {
            case LAB_RESULT -> labResult(index, random, patient, date, extension);
            case LETTER -> letter(index, random, patient, date, extension);
            case PDF -> pdf(index, random, patient, date, extension, large);
            case IMAGE -> image(index, random, patient, date, extension, large);
            case FHIR -> fhir(index, random, patient, date, extension);
        };
        // As coffre-push does: the service checks it, and a document larger than a part carries it
        // from the start of its multipart upload rather than by a server-side copy at the end.
        document.metadata().put("sha256", document.sha256());
        return document;
    }

    private static DocumentKind drawKind(SplittableRandom random) {
        int roll = random.nextInt(100);
        for (DocumentKind kind : DocumentKind.values()) {
            if (roll < kind.share) {
                return kind;
            }
            roll -= kind.share;
        }
        throw new IllegalStateException("shares do not add up to 100");
    }

    private String drawPatient(SplittableRandom random) {
        if (random.nextDouble() < knownPatientShare) {
            return random.nextBoolean() ? Ins.DOMINIQUE : Ins.CAMILLE;
        }
        return generatedPatient(random.nextInt(GENERATED_PATIENTS));
    }

    /** Generated patient {@code n} of this seed: the same few hundred recur over a run. */
    public String generatedPatient(int n) {
        return Ins.generate(new SplittableRandom(seed ^ (0x5DEECE66DL * (n + 1))));
    }

    // --- CDA ------------------------------------------------------------------------------------

    private GeneratedDocument labResult(long index, SplittableRandom random, String patient, OffsetDateTime date,
            String extension) {
        String template = LAB_TEMPLATES.get(random.nextInt(LAB_TEMPLATES.size()));
        Cda cda = Cda.of(corpus.bytes(template), patient, date, extension);
        // A section of the laboratory's comments, as long as it takes to reach the drawn size.
        String open = "<component><section><title>Commentaire du laboratoire</title><text>";
        String close = "</text></section></component>";
        String paragraphOpen = "<paragraph>";
        String paragraphClose = "</paragraph>";
        int paragraphTags = paragraphOpen.length() + paragraphClose.length();
        byte[] base = cda.xml.getBytes(StandardCharsets.UTF_8);
        long min = Math.max(DocumentKind.LAB_RESULT.minSize, base.length + open.length() + close.length() + 64);
        long target = uniform(random, min, DocumentKind.LAB_RESULT.maxSize);
        long remaining = target - base.length - open.length() - close.length();
        StringBuilder section = new StringBuilder(open);
        while (remaining > 0) {
            if (remaining > paragraphTags) {
                int chunk = (int) Math.min(remaining - paragraphTags, 200 + random.nextInt(800));
                section.append(paragraphOpen).append(TextFiller.text(random, chunk)).append(paragraphClose);
                remaining -= chunk + paragraphTags;
            } else {
                section.append(' ');
                remaining--;
            }
        }
        section.append(close);
        String xml = cda.insertAfterBodyStart(section.toString());
        return cdaDocument(index, DocumentKind.LAB_RESULT, template, cda, patient, xml);
    }

    private GeneratedDocument letter(long index, SplittableRandom random, String patient, OffsetDateTime date,
            String extension) {
        String template = LETTER_TEMPLATES.get(random.nextInt(LETTER_TEMPLATES.size()));
        Cda cda = Cda.of(corpus.bytes(template), patient, date, extension);
        // The body is a base64 PDF: the padding is an XML comment of the letter's own words.
        String open = "<!-- ";
        String close = " -->\n";
        byte[] base = cda.xml.getBytes(StandardCharsets.UTF_8);
        long min = Math.max(DocumentKind.LETTER.minSize, base.length + open.length() + close.length() + 16);
        long target = uniform(random, min, DocumentKind.LETTER.maxSize);
        int padding = (int) (target - base.length - open.length() - close.length());
        String comment = open + TextFiller.text(random, padding).replace("--", "- ") + close;
        int end = cda.xml.lastIndexOf("</ClinicalDocument>");
        String xml = cda.xml.substring(0, end) + comment + cda.xml.substring(end);
        return cdaDocument(index, DocumentKind.LETTER, template, cda, patient, xml);
    }

    private GeneratedDocument cdaDocument(long index, DocumentKind kind, String template, Cda cda, String patient,
            String xml) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("uniqueId", cda.uniqueId);
        return new GeneratedDocument(index, kind, false, template, cda.uniqueId, patient, "application/hl7-cda+xml",
                "cda-" + index + ".xml", metadata, xml.getBytes(StandardCharsets.UTF_8));
    }

    /** A CDA template with its document id, patient and date replaced. */
    private record Cda(String xml, String uniqueId) {

        private static final Pattern ID_TAG = Pattern.compile("<id\\s[^>]*>");
        private static final Pattern ATTRIBUTE = Pattern.compile("(root|extension)\\s*=\\s*\"([^\"]*)\"");

        static Cda of(byte[] template, String patient, OffsetDateTime date, String extension) {
            String xml = new String(template, StandardCharsets.UTF_8);
            int document = xml.indexOf("<ClinicalDocument");
            Matcher idTag = ID_TAG.matcher(xml);
            if (document < 0 || !idTag.find(document)) {
                throw new IllegalArgumentException("not a CDA with a ClinicalDocument/id");
            }
            String root = null;
            Matcher attributes = ATTRIBUTE.matcher(idTag.group());
            while (attributes.find()) {
                if (attributes.group(1).equals("root")) {
                    root = attributes.group(2);
                }
            }
            if (root == null) {
                throw new IllegalArgumentException("the ClinicalDocument/id has no root");
            }
            String newTag = "<id root=\"" + root + "\" extension=\"" + extension + "\"/>";
            xml = xml.substring(0, idTag.start()) + newTag + xml.substring(idTag.end());
            int time = xml.indexOf("<effectiveTime value=\"", idTag.start());
            if (time < 0) {
                throw new IllegalArgumentException("no ClinicalDocument/effectiveTime");
            }
            int valueStart = time + "<effectiveTime value=\"".length();
            int valueEnd = xml.indexOf('"', valueStart);
            xml = xml.substring(0, valueStart) + HL7_TS.format(date) + xml.substring(valueEnd);
            if (!xml.contains(Ins.DOMINIQUE)) {
                throw new IllegalArgumentException("the template's patient is not " + Ins.DOMINIQUE);
            }
            // The template's patient everywhere: recordTarget's INS, and the telecom that repeats it.
            xml = xml.replace(Ins.DOMINIQUE, patient);
            return new Cda(xml, root + "^" + extension);
        }

        String insertAfterBodyStart(String fragment) {
            int body = xml.indexOf("<structuredBody");
            if (body < 0) {
                throw new IllegalArgumentException("not a level-3 CDA (no structuredBody)");
            }
            int end = xml.indexOf('>', body) + 1;
            return xml.substring(0, end) + fragment + xml.substring(end);
        }
    }

    // --- PDF and images -----------------------------------------------------------------------------

    private GeneratedDocument pdf(long index, SplittableRandom random, String patient, OffsetDateTime date,
            String extension, boolean large) {
        String[] template = PDF_TEMPLATES.get(random.nextInt(PDF_TEMPLATES.size()));
        byte[] original = corpus.bytes(template[0]);
        String uniqueId = LOAD_ID_ROOT + "^" + extension;
        // Appended after %%EOF: a comment naming the document, filler comment lines, then the
        // original startxref again, so readers still find the original cross-reference table.
        String tail = "startxref\n" + lastStartXref(original) + "\n%%EOF\n";
        String head = "\n% Coffre load test " + uniqueId + "\n";
        long target = large ? uniform(random, Sizes.LARGE_MIN, Sizes.LARGE_MAX)
                : logUniform(random, Math.max(DocumentKind.PDF.minSize, original.length + head.length() + tail.length() + 8),
                        DocumentKind.PDF.maxSize);
        byte[] out = new byte[(int) target];
        System.arraycopy(original, 0, out, 0, original.length);
        int at = original.length;
        at = put(out, at, head);
        int fillEnd = out.length - tail.length();
        while (at < fillEnd) {
            int lineEnd = Math.min(fillEnd, at + 80);
            out[at++] = '%';
            TextFiller.noise(random, out, at, lineEnd - 1);
            at = lineEnd - 1;
            out[at++] = '\n';
        }
        put(out, fillEnd, tail);
        return new GeneratedDocument(index, DocumentKind.PDF, large, template[0], uniqueId, patient, "application/pdf",
                "document-" + index + ".pdf", declared(uniqueId, patient, template[1], template[2], date), out);
    }

    static long lastStartXref(byte[] pdf) {
        String end = new String(pdf, Math.max(0, pdf.length - 1024), Math.min(1024, pdf.length), StandardCharsets.ISO_8859_1);
        Matcher matcher = Pattern.compile("startxref\\s+(\\d+)").matcher(end);
        long offset = -1;
        while (matcher.find()) {
            offset = Long.parseLong(matcher.group(1));
        }
        if (offset < 0) {
            throw new IllegalArgumentException("no startxref at the end of the PDF");
        }
        return offset;
    }

    private GeneratedDocument image(long index, SplittableRandom random, String patient, OffsetDateTime date,
            String extension, boolean large) {
        String template = IMAGE_TEMPLATES.get(random.nextInt(IMAGE_TEMPLATES.size()));
        byte[] original = corpus.bytes(template);
        String uniqueId = LOAD_ID_ROOT + "^" + extension;
        long target = large ? uniform(random, Sizes.LARGE_MIN, Sizes.LARGE_MAX)
                : logUniform(random, Math.max(DocumentKind.IMAGE.minSize, original.length + 1024), DocumentKind.IMAGE.maxSize);
        boolean jpeg = template.endsWith(".jpg");
        byte[] out = jpeg ? Images.padJpeg(original, (int) target, "Coffre load test " + uniqueId, random)
                : Images.padPng(original, (int) target, "Coffre load test " + uniqueId, random);
        Map<String, Object> metadata = declared(uniqueId, patient, "18748-4", "Image médicale", date);
        return new GeneratedDocument(index, DocumentKind.IMAGE, large, template, uniqueId, patient,
                jpeg ? "image/jpeg" : "image/png", "image-" + index + (jpeg ? ".jpg" : ".png"), metadata, out);
    }

    private static Map<String, Object> declared(String uniqueId, String patient, String code, String title,
            OffsetDateTime date) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("uniqueId", uniqueId);
        metadata.put("patient", Map.of("id", patient, "system", Ins.NIR_TEST_SYSTEM));
        metadata.put("typeCode", Map.of("code", code, "system", LOINC));
        metadata.put("title", title);
        metadata.put("creationTime", date.toString());
        return metadata;
    }

    // --- FHIR ----------------------------------------------------------------------------------------

    private GeneratedDocument fhir(long index, SplittableRandom random, String patient, OffsetDateTime date,
            String extension) {
        String template = fhirTemplates.get(random.nextInt(fhirTemplates.size()));
        String text = new String(corpus.bytes(template), StandardCharsets.UTF_8);
        String uniqueId = LOAD_ID_ROOT + "^" + extension;
        // The samples' own ids become unique; their placeholder patient (whose key is wrong)
        // becomes a valid INS under the test OID; their dates move.
        text = text.replaceAll("urn:oid:1\\.2\\.250\\.1\\.213\\.1\\.4\\.8\\.99999\\.\\d+",
                "urn:uuid:" + new UUID(random.nextLong(), random.nextLong()));
        text = text.replaceAll("urn:oid:1\\.2\\.250\\.1\\.213\\.1\\.4\\.8(?![.\\d])", "urn:oid:" + Ins.NIR_TEST_SYSTEM);
        text = text.replace("123456789012345", patient);
        String iso = date.toString().length() == 16 ? date + ":00" : date.toString();
        text = text.replaceAll("\"date\": \"[^\"]*\"", "\"date\": \"" + iso + "\"");
        text = text.replaceAll("<date value=\"[^\"]*\"/>", "<date value=\"" + iso + "\"/>");
        boolean xml = template.endsWith(".xml");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("uniqueId", uniqueId);
        return new GeneratedDocument(index, DocumentKind.FHIR, false, template, uniqueId, patient,
                xml ? "application/fhir+xml" : "application/fhir+json", "fhir-" + index + (xml ? ".xml" : ".json"),
                metadata, text.getBytes(StandardCharsets.UTF_8));
    }

    // --- helpers -------------------------------------------------------------------------------------

    private static long uniform(SplittableRandom random, long min, long max) {
        return min >= max ? min : random.nextLong(min, max + 1);
    }

    /** Sizes spread as they are in life: many small files, few large ones. */
    private static long logUniform(SplittableRandom random, long min, long max) {
        if (min >= max) {
            return min;
        }
        double value = Math.exp(Math.log(min) + random.nextDouble() * (Math.log(max) - Math.log(min)));
        return Math.max(min, Math.min(max, Math.round(value)));
    }

    private static int put(byte[] into, int at, String ascii) {
        byte[] bytes = ascii.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(bytes, 0, into, at, bytes.length);
        return at + bytes.length;
    }
}
