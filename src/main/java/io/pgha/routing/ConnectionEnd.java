package io.pgha.routing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One side of a {@link ConnectionPair}: the channel, its key, and the buffer of bytes read from it for the
 * other side. An end of stream is passed on as a half-close once everything before it is written.
 */
final class ConnectionEnd {
    private static final int BUFFER_SIZE = 32 * 1024;

    final ConnectionPair pair;
    final SocketChannel channel;
    private final ByteBuffer inbound = ByteBuffer.allocate(BUFFER_SIZE);
    SelectionKey key;
    ConnectionEnd other;
    private boolean eof;
    boolean outputShut;

    ConnectionEnd(ConnectionPair pair, SocketChannel channel) {
        this.pair = pair;
        this.channel = channel;
    }

    void ready(SelectionKey k) {
        try {
            if (k.isConnectable()) {
                pair.finishConnect();
                return;
            }
            if (k.isReadable()) read();
            if (k.isValid() && k.isWritable()) other.flushTo();
            if (!pair.isClosed()) pair.update();
        } catch (IOException e) {
            pair.close();
        }
    }

    /** Reads what this side sent and passes it on at once. */
    private void read() throws IOException {
        int n = channel.read(inbound);
        if (n < 0) eof = true;
        flushTo();
    }

    /** Writes what this side sent to the other side, and passes an end of stream on once all is written. */
    private void flushTo() throws IOException {
        if (inbound.position() > 0) {
            inbound.flip();
            other.channel.write(inbound);
            inbound.compact();
        }
        if (eof && inbound.position() == 0 && !other.outputShut) {
            other.channel.shutdownOutput();
            other.outputShut = true;
        }
    }

    /** The selector interest this state calls for: read while there is room, write while the other side waits. */
    int interest() {
        int ops = 0;
        if (!eof && inbound.hasRemaining()) ops |= SelectionKey.OP_READ;
        if (other.inbound.position() > 0) ops |= SelectionKey.OP_WRITE;
        return ops;
    }
}
