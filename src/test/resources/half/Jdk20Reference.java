// Test-only helper, NOT compiled by the build (it needs Java 20+): prints the digests that HalfTest compares
// ClipBench's Java 17 conversions (org.clipbench.kernel.Half) against, computed with the JDK's own
// Float.float16ToFloat and Float.floatToFloat16 (Java 20+). Regenerate with, e.g.:
//   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java src/test/resources/half/Jdk20Reference.java > src/test/resources/half/jdk-f16-digests.txt
// The digest is HalfTest.Digest's: a 64-bit FNV-1a over the values in order (decode: the float bits of each of the
// 65,536 patterns; encode: the 16 bits of every one of the 2^32 float bit patterns, in blocks of 2^24, one line each).
public class Jdk20Reference {
    static final long OFFSET = 0xcbf29ce484222325L, PRIME = 0x100000001b3L;

    static long mix(long h, int v) {
        for (int k = 0; k < 4; k++) {
            h ^= (v >>> (8 * k)) & 0xff;
            h *= PRIME;
        }
        return h;
    }

    public static void main(String[] args) {
        System.out.println("# java " + Runtime.version() + ": Float.float16ToFloat / Float.floatToFloat16 digests (see Jdk20Reference.java)");
        long d = OFFSET;
        for (int h = 0; h < 65536; h++) d = mix(d, Float.floatToRawIntBits(Float.float16ToFloat((short) h)));
        System.out.printf("decode %016x%n", d);
        for (int block = 0; block < 256; block++) {
            long e = OFFSET;
            int start = block << 24;
            for (int i = 0; i < 1 << 24; i++) e = mix(e, Float.floatToFloat16(Float.intBitsToFloat(start + i)) & 0xffff);
            System.out.printf("encode %02x %016x%n", block, e);
        }
    }
}
