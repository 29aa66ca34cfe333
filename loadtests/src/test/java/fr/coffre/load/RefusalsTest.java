package fr.coffre.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RefusalsTest {

    private static String problem(String detail) {
        return "{\"type\":\"https://coffre.fr/problems/overloaded\",\"title\":\"Overloaded\",\"status\":503,\"detail\":\""
                + detail + "\"}";
    }

    @Test
    void refusalsAreCountedByStatusAndDetailWithTheirNumbersMasked() {
        var refusals = new Refusals();
        refusals.add(503, problem("Indexing is 100312 documents behind, more than the 100000 allowed; retry later."));
        refusals.add(503, problem("Your organisation has 16 uploads under way on this instance; retry later."));
        refusals.add(503, problem("This instance is handling as many uploads as it may; retry later."));
        refusals.add(503, problem("Your organisation has 8 uploads under way on this instance; retry later."));
        assertEquals(
                "2× 503 Your organisation has N uploads under way on this instance; retry later."
                        + " | 1× 503 Indexing is N documents behind, more than the N allowed; retry later."
                        + " | 1× 503 This instance is handling as many uploads as it may; retry later.",
                refusals.summary());
    }

    @Test
    void anAnswerWithoutAProblemIsCountedByItsStatusAndNoAnswerApart() {
        var refusals = new Refusals();
        refusals.add(null, null);
        refusals.add(502, "<html>Bad gateway</html>");
        refusals.add(null, null);
        assertEquals("2× no answer | 1× 502", refusals.summary());
    }

    @Test
    void reasonsPastTheFourMostFrequentAreSummedAsOther() {
        var refusals = new Refusals();
        for (int status = 500; status < 507; status++) {
            for (int i = 0; i < 510 - status; i++) {
                refusals.add(status, null);
            }
        }
        assertEquals("10× 500 | 9× 501 | 8× 502 | 7× 503 | 15× other", refusals.summary());
    }
}
