package org.clipbench.params;

import org.clipbench.backend.TensorSpec;
import java.util.LinkedHashSet;
import java.util.List;

/** A named list of tensor specs: the shape of a model's gradient. */
public record ParamShape(String name, List<TensorSpec> tensors) {
    public ParamShape {
        tensors = List.copyOf(tensors);
        var seen = new LinkedHashSet<String>();
        for (TensorSpec t : tensors) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("parameter set '" + name + "' has two tensors named '" + t.name() + "'");
            }
        }
    }

    public long totalSize() {
        return tensors.stream().mapToLong(TensorSpec::size).sum();
    }

    public int tensorCount() {
        return tensors.size();
    }

    public List<String> layers() {
        return tensors.stream().map(TensorSpec::layer).distinct().toList();
    }
}
