package dev.rnnport.format.torch.pickle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/**
 * The bytes a pickle is read from: a whole record in memory (zip {@code data.pkl}) or a window
 * of a file read through a small buffer (the pickles at the head of a legacy torch.save file,
 * whose storages follow and may be far larger than memory). Every length a pickle states is
 * checked against what remains before anything of that length is allocated.
 */
public final class PickleInput {
    private static final int BUFFER = 1 << 16;

    private final SeekableByteChannel channel;
    private final long end;
    private ByteBuffer buf;
    private long bufStart;

    private PickleInput(SeekableByteChannel channel, ByteBuffer buf, long bufStart, long end) {
        this.channel = channel;
        this.buf = buf;
        this.bufStart = bufStart;
        this.end = end;
    }

    public static PickleInput of(byte[] data) {
        return new PickleInput(null, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), 0, data.length);
    }

    /** Reads {@code channel} from {@code start} to its end; the channel stays the caller's. */
    public static PickleInput of(SeekableByteChannel channel, long start) throws IOException {
        ByteBuffer empty = ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        return new PickleInput(channel, empty, start, channel.size());
    }

    public long position() {
        return bufStart + buf.position();
    }

    long remaining() {
        return end - position();
    }

    int readByte() {
        ensure(1);
        return buf.get() & 0xff;
    }

    int readU16() {
        ensure(2);
        return buf.getShort() & 0xffff;
    }

    int readI32() {
        ensure(4);
        return buf.getInt();
    }

    long readU32() {
        return readI32() & 0xffffffffL;
    }

    long readI64() {
        ensure(8);
        return buf.getLong();
    }

    double readF64BigEndian() {
        ensure(8);
        return Double.longBitsToDouble(Long.reverseBytes(buf.getLong()));
    }

    /** Reads {@code n} bytes; {@code n} was checked against {@link #remaining()} by the caller. */
    byte[] readBytes(long n, String what) {
        require(n, what);
        byte[] out = new byte[(int) n];
        int done = 0;
        while (done < n) {
            if (!buf.hasRemaining()) {
                fill(Math.min(BUFFER, (int) n - done));
            }
            int k = Math.min(buf.remaining(), (int) n - done);
            buf.get(out, done, k);
            done += k;
        }
        return out;
    }

    /** Fails unless {@code n} more bytes exist and fit in one Java array. */
    void require(long n, String what) {
        if (n < 0 || n > remaining()) {
            throw new PickleError(what + " claims " + Long.toUnsignedString(n) + " bytes but only " + remaining()
                    + " remain in the pickle");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new PickleError(what + " of " + n + " bytes is larger than rnnport can hold");
        }
    }

    /** A text line without its newline, for protocol 0 opcodes; at most {@code max} bytes. */
    byte[] readLine(int max, String what) {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        while (true) {
            if (remaining() <= 0) {
                throw new PickleError(what + ": the pickle ends inside a text line");
            }
            int b = readByte();
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() >= max) {
                throw new PickleError(what + ": text line longer than " + max + " bytes");
            }
            line.write(b);
        }
    }

    private void ensure(int n) {
        if (buf.remaining() >= n) {
            return;
        }
        if (remaining() < n) {
            throw new PickleError("the pickle ends early (truncated file?)");
        }
        fill(n);
    }

    /** Refills the buffer from the channel so that at least {@code atLeast} bytes are buffered. */
    private void fill(int atLeast) {
        if (channel == null) {
            throw new PickleError("the pickle ends early (truncated file?)");
        }
        long pos = position();
        int size = (int) Math.min(Math.max(BUFFER, atLeast), end - pos);
        ByteBuffer next = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        try {
            channel.position(pos);
            while (next.hasRemaining()) {
                if (channel.read(next) < 0) {
                    throw new PickleError("the file ends early (truncated?)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        next.flip();
        buf = next;
        bufStart = pos;
    }
}
