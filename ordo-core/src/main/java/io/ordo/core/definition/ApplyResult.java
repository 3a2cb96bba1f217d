package io.ordo.core.definition;

import java.util.Locale;

/** What {@link Definitions#apply} did with a definition. */
public record ApplyResult(StoredDefinition definition, Change change) {
    public enum Change {
        /** There was no definition with this id. */
        CREATED,
        /** The stored definition was replaced (its version went up by one). */
        UPDATED,
        /** The stored definition had the same source and meaning; nothing was written (version and schedule kept). */
        UNCHANGED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
