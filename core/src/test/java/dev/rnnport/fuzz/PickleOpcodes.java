package dev.rnnport.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the opcodes of a pickle start, so that mutations can cut and splice whole opcodes. Knows
 * each opcode's argument layout (fixed width, length-prefixed, or a text line); scanning stops at
 * the first byte that is no opcode, as a mutated pickle may hold anything past it.
 */
final class PickleOpcodes {
    private PickleOpcodes() {
    }

    /** Start offsets of the opcodes from {@code from}, and the offset where scanning stopped, last. */
    static List<Integer> boundaries(byte[] b, int from) {
        List<Integer> out = new ArrayList<>();
        int i = from;
        while (i < b.length) {
            out.add(i);
            int op = b[i] & 0xff;
            int next = next(b, i + 1, op);
            if (next < 0 || next > b.length) {
                break;
            }
            i = next;
            if (op == '.') {
                out.add(i);
                break;
            }
        }
        return out;
    }

    /** The offset after the opcode {@code op} whose argument starts at {@code a}, or -1 if unknown. */
    private static int next(byte[] b, int a, int op) {
        switch (op) {
            case '(', '.', '0', '1', '2', 'N', ')', ']', '}', 'a', 'b', 'd', 'e', 'l', 'o', 's', 't', 'u', 'R', 'Q',
                    0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98:
                return a;
            case 'K', 'C', 'h', 'q', 'U', 0x80, 0x82:
                return op == 'U' || op == 'C' ? (a < b.length ? a + 1 + (b[a] & 0xff) : -1) : a + 1;
            case 'M', 0x83:
                return a + 2;
            case 'J', 'j', 'r', 0x84:
                return a + 4;
            case 'G':
                return a + 8;
            case 0x95:
                return a + 8;
            case 0x8c:
                return a < b.length ? a + 1 + (b[a] & 0xff) : -1;
            case 'X', 'B', 'T':
                return a + 4 <= b.length ? a + 4 + (int) Math.min(Integer.MAX_VALUE / 2, u32(b, a)) : -1;
            case 0x8a:
                return a < b.length ? a + 1 + (b[a] & 0xff) : -1;
            case 0x8b:
                return a + 4 <= b.length ? a + 4 + (int) Math.min(Integer.MAX_VALUE / 2, u32(b, a)) : -1;
            case 0x8d, 0x8e, 0x96:
                return -1; // 8-byte lengths: stop scanning
            case 'c', 'i':
                int first = line(b, a);
                return first < 0 ? -1 : line(b, first);
            case 'F', 'I', 'L', 'S', 'V', 'P', 'g', 'p':
                return line(b, a);
            default:
                return -1;
        }
    }

    private static int line(byte[] b, int a) {
        for (int i = a; i < b.length && i < a + 4096; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    private static long u32(byte[] b, int a) {
        return (b[a] & 0xffL) | (b[a + 1] & 0xffL) << 8 | (b[a + 2] & 0xffL) << 16 | (b[a + 3] & 0xffL) << 24;
    }
}
