package fr.coffre.document;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * An identifier issued by an authority: {@code system} names the authority (a bare OID such as
 * {@code 1.2.250.1.213.1.4.8}, or a URI), {@code value} is the identifier within it. In the API's
 * JSON a patient is {@code {"id": <value>, "system": <system>}}.
 */
@JsonPropertyOrder({"id", "system"})
public record Identifier(String system, @JsonProperty("id") String value) {

    public Identifier {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(value, "value");
    }
}
