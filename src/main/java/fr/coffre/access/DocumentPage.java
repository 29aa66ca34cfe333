package fr.coffre.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One page of a list; {@code next} is the cursor of the following page, absent on the last. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentPage<T>(List<T> items, String next) {}
