package org.clipbench.strategy;

/**
 * What one call of a rule moves through memory, in passes over its data: one pass reads (or writes)
 * every gradient element once. It is the roofline of the report: a call cannot take less time than the
 * bytes it moves divided by the memory bandwidth measured in the same run. Passes are those of the
 * implementation here, stated by each rule: a global-norm clip reads the gradient for its norm, then
 * reads and writes it to scale it (3 passes when it clips, 1 when it does not).
 *
 * @param gradientReads  passes that read the gradient (or update, or examples)
 * @param gradientWrites passes that write it
 * @param parameterReads passes that read the parameters (AGC's weight norms)
 */
public record MemoryTraffic(double gradientReads, double gradientWrites, double parameterReads) {

    public static MemoryTraffic none() {
        return new MemoryTraffic(0, 0, 0);
    }

    /** One element-wise pass that reads and writes every element (a clamp, a copy's destination side). */
    public static MemoryTraffic readWrite() {
        return new MemoryTraffic(1, 1, 0);
    }

    /** A norm pass, then a read-and-write scaling pass over the share of the data that is scaled. */
    public static MemoryTraffic normThenScale(double scaledShare) {
        return new MemoryTraffic(1 + scaledShare, scaledShare, 0);
    }

    public MemoryTraffic plusParameterReads(double passes) {
        return new MemoryTraffic(gradientReads, gradientWrites, parameterReads + passes);
    }

    /** All passes: the bytes moved are passes x elements x bytes per element. */
    public double passes() {
        return gradientReads + gradientWrites + parameterReads;
    }
}
