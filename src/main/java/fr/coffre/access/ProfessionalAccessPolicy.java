package fr.coffre.access;

import fr.coffre.access.ProfessionalAuthorisationRepository.State;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.Ins;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Whether a professional may read a patient's record, and what of it: the DMP's model. A patient
 * who blocked a professional is never read by them. Otherwise the professional reads the record
 * when the patient authorised them, or when their organisation is in the patient's care team; in
 * an emergency context, with a reason from a closed list, they may break the glass unless the
 * patient refuses emergency access. Whatever the mode, their profession limits the types of
 * documents they read (the DMP's matrix), and they read only so many different patients in a short
 * time.
 */
@ApplicationScoped
public class ProfessionalAccessPolicy {

    /** How a read was allowed, as the access log records it. */
    public enum Mode {
        AUTHORISED("authorised"),
        CARE_TEAM("care-team"),
        EMERGENCY("emergency");

        public final String code;

        Mode(String code) {
            this.code = code;
        }
    }

    /**
     * @param audience        what of the record is visible in this mode
     * @param readableTypes the document types the profession reads
     * @param reason        the emergency's reason, for the access log
     */
    public record Decision(Audience audience, Mode mode, ReadableTypes readableTypes, String reason) {

        public boolean emergency() {
            return mode == Mode.EMERGENCY;
        }
    }

    private final AccessConfig config;
    private final DocumentTypeMatrix matrix;
    private final ProfessionalAuthorisationRepository authorisations;
    private final CareTeamRepository careTeams;
    private final PatientPreferenceRepository preferences;
    private final AccessLogRepository accessLog;

    public ProfessionalAccessPolicy(
            AccessConfig config,
            DocumentTypeMatrix matrix,
            ProfessionalAuthorisationRepository authorisations,
            CareTeamRepository careTeams,
            PatientPreferenceRepository preferences,
            AccessLogRepository accessLog) {
        this.config = config;
        this.matrix = matrix;
        this.authorisations = authorisations;
        this.careTeams = careTeams;
        this.preferences = preferences;
        this.accessLog = accessLog;
    }

    /**
     * @param ins             the patient's INS number, under any INS system
     * @param emergencyReason the reason code of an emergency access, or null
     */
    public Uni<Decision> decide(Professional professional, String ins, String emergencyReason) {
        ReadableTypes types = readableTypes(professional);
        if (emergencyReason != null) {
            checkEmergency(professional, emergencyReason);
        }
        return authorisations
                .stateOf(ins, Ins.OIDS, professional.rpps())
                .chain(state -> {
                    if (state.isPresent() && state.get() == State.blocked) {
                        // Answered as any refusal: a patient's block is not revealed.
                        throw notAuthorised();
                    }
                    if (emergencyReason != null) {
                        return emergency(ins, types, emergencyReason);
                    }
                    return ordinary(professional, ins, state, types);
                })
                .call(decision -> limitPatients(professional, ins));
    }

    private Uni<Decision> emergency(String ins, ReadableTypes types, String reason) {
        return preferences.refusesEmergencyAccess(ins, Ins.OIDS).map(refused -> {
            if (refused) {
                throw new ProblemException(
                        ProblemType.EMERGENCY_ACCESS_REFUSED,
                        "This patient refuses emergency access to their documents.");
            }
            return new Decision(Audience.EMERGENCY, Mode.EMERGENCY, types, reason);
        });
    }

    private Uni<Decision> ordinary(Professional professional, String ins, Optional<State> state, ReadableTypes types) {
        if (state.isPresent()) {
            return Uni.createFrom().item(new Decision(Audience.PROFESSIONAL, Mode.AUTHORISED, types, null));
        }
        return careTeams.treats(ins, Ins.OIDS, professional.organisation()).map(treats -> {
            if (!treats) {
                throw notAuthorised();
            }
            return new Decision(Audience.PROFESSIONAL, Mode.CARE_TEAM, types, null);
        });
    }

    private void checkEmergency(Professional professional, String reason) {
        if (!professional.emergencyContext()) {
            throw new ProblemException(
                    ProblemType.FORBIDDEN,
                    "Only a professional working in an emergency context (emergency service, SAMU) may access a"
                            + " record in an emergency.");
        }
        if (!config.emergencyReasons().contains(reason.trim())) {
            throw new ProblemException(
                    ProblemType.MALFORMED_REQUEST,
                    "An emergency access states one of these reasons: " + String.join(", ", config.emergencyReasons())
                            + ".");
        }
    }

    /** The types the profession reads, by the matrix: none when no column names it. */
    private ReadableTypes readableTypes(Professional professional) {
        if (professional.profession() == null || professional.profession().isBlank()) {
            throw new ProblemException(
                    ProblemType.FORBIDDEN,
                    "Your token names no profession (profession claim), which says what you may read.");
        }
        return matrix.readableBy(professional.profession(), professional.activityGenre());
    }

    private Uni<Void> limitPatients(Professional professional, String ins) {
        return accessLog
                .recentPatients(
                        professional.rpps(), DocumentRepository.now().minus(config.patientsWindow()), ins, Ins.OIDS)
                .invoke(recent -> {
                    if (!recent.includesThisOne() && recent.others() >= config.maxPatientsPerWindow()) {
                        throw ProblemException.retryLater(
                                ProblemType.TOO_MANY_PATIENTS,
                                "You read " + recent.others() + " patients' records within "
                                        + config.patientsWindow().toMinutes() + " minutes, the most allowed;"
                                        + " this access is refused and was not recorded.",
                                config.patientsWindow());
                    }
                })
                .replaceWithVoid();
    }

    private static ProblemException notAuthorised() {
        return new ProblemException(
                ProblemType.PROFESSIONAL_NOT_AUTHORISED,
                "You may read this patient's record when they authorise you, when your organisation is in their"
                        + " care team, or in an emergency.");
    }
}
