package dev.ferry.server;

import java.util.List;

/**
 * What a reload did: applied (the new config serves from now on), or refused with every reason
 * (the running config is kept).
 */
public record ReloadResult(boolean applied, List<String> errors) {

    public ReloadResult {
        errors = List.copyOf(errors);
    }
}
