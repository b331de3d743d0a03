package org.clipbench.backend;

/** A backend cannot run a requested combination (dtype, layout, thread count). Reported, never faked. */
public class UnsupportedCombinationException extends RuntimeException {
    public UnsupportedCombinationException(String message) {
        super(message);
    }
}
