package org.clipbench.problems;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The problem of a sweep, as written in its JSON file: {@code "type"} picks the record, the other fields
 * are that record's (a field of another type is refused with the valid ones named). lossScale (any type)
 * multiplies the training loss. Every run builds its own instance (models keep per-run work buffers).
 *
 * <p>Adding a problem: one record implementing this interface, one line in {@link #TYPES}.
 */
@JsonSerialize(using = ProblemSpec.Writer.class)
@JsonDeserialize(using = ProblemSpec.Reader.class)
public interface ProblemSpec {

    /** Each type name and its record (several names may share one record, which then keeps the name in its type field). */
    Map<String, Class<? extends ProblemSpec>> TYPES = types(
            "rnn", RnnSpec.class,
            "mlp", DatasetModelSpec.class, "logistic", DatasetModelSpec.class, "softmax", DatasetModelSpec.class,
            "cliff", CliffSpec.class,
            "smooth", SmoothSpec.class,
            "quadratic", QuadraticSpec.class,
            "mean", MeanSpec.class,
            "workers", WorkersSpec.class,
            "quartic", QuarticSpec.class,
            "phase-retrieval", PhaseRetrievalSpec.class,
            "transformer", TransformerSpec.class);

    /** A problem from its JSON text, as a sweep file writes it; IllegalArgumentException for anything wrong in it. */
    static ProblemSpec parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json, ProblemSpec.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage().lines().findFirst().orElse("not a problem: " + json));
        }
    }

    /**
     * The most numbers one array of a run may hold. A width of 2^30 overflowed an int index and a batch of 1e9 ran
     * the heap out, both reported as bugs; each size field is checked against this before anything is allocated.
     */
    long MAX_ELEMENTS = 1L << 26;

    /** value, when the elements it implies fit a run; else IllegalArgumentException naming the field and the fix. */
    static int sized(String field, int value, long elements) {
        if (value < 1) throw new IllegalArgumentException("problem." + field + " is " + value + ": give a whole number >= 1");
        if (elements > MAX_ELEMENTS || elements < 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "problem.%s %d needs %,d numbers in one array; at most %,d fit a run: lower problem.%s",
                    field, value, elements, MAX_ELEMENTS, field));
        }
        return value;
    }

    /** The type as written in the file. */
    String type();

    /** Multiplies the training loss (null: 1). */
    Double lossScale();

    /** A new problem instance, before loss scaling; IllegalArgumentException naming the field for anything invalid. */
    Problem buildUnscaled();

    /** A new problem instance; IllegalArgumentException naming the field for anything invalid. */
    default Problem build() {
        Problem p = buildUnscaled();
        Double scale = lossScale();
        return scale == null || scale == 1.0 ? p : new ScaledLoss(p, scale);
    }

    /**
     * The text run ids hash: the problem's fields in the layout of version 1, when one record held the
     * fields of every type. Kept so that run ids, resumable run folders and the presets' content hashes
     * of committed results stay valid; fields of newer records follow, never null.
     */
    default String idText() {
        StringBuilder sb = new StringBuilder("ProblemSpec[");
        Map<String, Object> fields = wireFields(this);
        int i = 0;
        for (var e : fields.entrySet()) sb.append(i++ == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
        return sb.append(']').toString();
    }

    /** The field names of the version-1 union record, in its order: sweep.json and run ids are written in this layout. */
    List<String> VERSION_1_FIELDS = List.of("type", "task", "length", "hidden", "activation", "init", "everyStep", "dataset", "depth",
            "width", "batch", "eval", "w0", "b0", "function", "x0", "dim", "start", "noise", "noiseScale", "lossScale");

    /** The version-1 fields (null where this record has none), then this record's other fields that are set. */
    static Map<String, Object> wireFields(ProblemSpec spec) {
        Map<String, Object> own = new LinkedHashMap<>();
        for (RecordComponent c : spec.getClass().getRecordComponents()) {
            try {
                own.put(c.getName(), c.getAccessor().invoke(spec));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String f : VERSION_1_FIELDS) out.put(f, own.remove(f));
        own.forEach((k, v) -> { if (v != null) out.put(k, v); });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Class<? extends ProblemSpec>> types(Object... nameThenClass) {
        Map<String, Class<? extends ProblemSpec>> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) m.put((String) nameThenClass[i], (Class<? extends ProblemSpec>) nameThenClass[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }

    private static String typeList() {
        List<String> names = new ArrayList<>(TYPES.keySet());
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** Writes the version-1 layout, nulls included, so that sweep.json and preset hashes keep their bytes. */
    final class Writer extends JsonSerializer<ProblemSpec> {
        @Override
        public void serialize(ProblemSpec spec, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            for (var e : wireFields(spec).entrySet()) provider.defaultSerializeField(e.getKey(), e.getValue(), gen);
            gen.writeEndObject();
        }
    }

    /**
     * Reads {"type": ..., fields...} into the type's record. Null fields are dropped first: sweep.json files
     * written in the version-1 layout hold every type's fields, most of them null.
     */
    final class Reader extends JsonDeserializer<ProblemSpec> {
        @Override
        public ProblemSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = p.readValueAsTree();
            if (!(node instanceof ObjectNode obj)) {
                return ctxt.reportInputMismatch(ProblemSpec.class, "problem must be an object such as {\"type\": \"cliff\"}");
            }
            JsonNode type = obj.get("type");
            if (type == null || type.isNull()) {
                return ctxt.reportInputMismatch(ProblemSpec.class, "problem.type is missing: use " + typeList());
            }
            Class<? extends ProblemSpec> cls = TYPES.get(type.asText().toLowerCase(Locale.ROOT));
            if (cls == null) {
                return ctxt.reportInputMismatch(ProblemSpec.class, "unknown problem.type '" + type.asText() + "': use " + typeList());
            }
            List<String> fields = new ArrayList<>();
            for (RecordComponent c : cls.getRecordComponents()) fields.add(c.getName());
            ObjectNode set = obj.deepCopy();
            obj.fieldNames().forEachRemaining(f -> { if (obj.get(f).isNull()) set.remove(f); });
            for (var it = set.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!fields.contains(f)) {
                    return ctxt.reportInputMismatch(ProblemSpec.class, "problem." + f + " is not a field of problem type '"
                            + type.asText() + "': its fields are " + String.join(", ", fields));
                }
            }
            return construct(cls, set, p, ctxt);
        }

        /** The record from its fields, each read by the sweep's own mapper (so numbers coerce as elsewhere in the file). */
        private static ProblemSpec construct(Class<? extends ProblemSpec> cls, ObjectNode set, JsonParser p, DeserializationContext ctxt)
                throws IOException {
            RecordComponent[] components = cls.getRecordComponents();
            Object[] args = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                JsonNode v = set.get(components[i].getName());
                if (v != null) {
                    try {
                        args[i] = p.getCodec().treeToValue(v, types[i]);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        return ctxt.reportInputMismatch(ProblemSpec.class, "problem." + components[i].getName() + ": "
                                + e.getOriginalMessage().lines().findFirst().orElse("not a " + types[i].getSimpleName()));
                    }
                }
            }
            try {
                return cls.getDeclaredConstructor(types).newInstance(args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                return ctxt.reportInputMismatch(ProblemSpec.class, "problem: " + e.getCause().getMessage());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(cls + " must be a public record", e);
            }
        }
    }

    static <T> T or(T v, T d) {
        return v != null ? v : d;
    }
}
