package fr.coffre.problem;

import java.time.Duration;

/** Thrown anywhere to answer with a problem; carries Retry-After for 429 and 503. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final Duration retryAfter;

    public ProblemException(ProblemType type, String detail) {
        this(Problem.of(type, detail), null);
    }

    public ProblemException(Problem problem, Duration retryAfter) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public static ProblemException retryLater(ProblemType type, String detail, Duration retryAfter) {
        return new ProblemException(Problem.of(type, detail), retryAfter);
    }

    public boolean is(ProblemType type) {
        return problem.type().equals(Problem.TYPE_BASE + type.slug());
    }

    /** The same problem with one more member, e.g. the submission it happened in. */
    public ProblemException with(String name, Object value) {
        return new ProblemException(problem.with(name, value), retryAfter);
    }

    /** The problem's slug, the last part of its type URI (e.g. {@code invalid-ins}). */
    public String slug() {
        return problem.slug();
    }

    public Problem problem() {
        return problem;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
