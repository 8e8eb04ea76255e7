package io.pgha.init;

/** {@code pgha init} cannot write this cluster as asked; the message names the option and the fix. */
public class InitRefused extends RuntimeException {
    public InitRefused(String message) {
        super(message);
    }
}
