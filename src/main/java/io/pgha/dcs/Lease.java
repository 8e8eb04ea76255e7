package io.pgha.dcs;

/**
 * The leader key: who holds it, its fencing token (grows with every new holder), and the store session
 * that owns it (a member's earlier session may still own it for a moment after that member reconnected).
 */
public record Lease(String holder, long token, long owner) {
    public Lease(String holder, long token) {
        this(holder, token, 0);
    }

    /** Held by {@code member} through the session {@code session}. */
    public boolean heldBy(String member, long session) {
        return holder.equals(member) && owner == session;
    }
}
