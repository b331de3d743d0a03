package org.clipbench.params;

import org.clipbench.backend.TensorSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParamShapesTest {

    @Test
    void gpt2SmallHasTheExactParameterCount() {
        ParamShape s = ParamShapes.get("gpt2-small");
        assertThat(s.tensorCount()).isEqualTo(148);
        assertThat(s.totalSize()).isEqualTo(124_439_808L);
        assertThat(s.tensors().get(0)).isEqualTo(new TensorSpec("wte.weight", 50257, 768, "wte"));
    }

    @Test
    void resnet18MatchesTorchvision() {
        ParamShape s = ParamShapes.get("resnet18");
        // torchvision resnet18: 11,689,512 trainable parameters in 62 tensors
        assertThat(s.totalSize()).isEqualTo(11_689_512L);
        assertThat(s.tensorCount()).isEqualTo(62);
        assertThat(s.tensors().get(s.tensorCount() - 2)).isEqualTo(new TensorSpec("fc.weight", 1000, 512, "fc"));
    }

    @Test
    void manySmallAndFlat() {
        ParamShape m = ParamShapes.get("many-small");
        assertThat(m.tensorCount()).isEqualTo(2000);
        assertThat(m.totalSize()).isEqualTo(2000L * 256);
        assertThat(m.layers()).hasSize(250);
        assertThat(ParamShapes.get("flat-4K").totalSize()).isEqualTo(4096);
        assertThat(ParamShapes.get("flat-16M").totalSize()).isEqualTo(16L << 20);
        assertThat(ParamShapes.get("flat-1000").totalSize()).isEqualTo(1000);
    }

    @Test
    void unknownNamesAreExplained() {
        assertThatThrownBy(() -> ParamShapes.get("bert")).hasMessageContaining("unknown parameter set 'bert'")
                .hasMessageContaining("gpt2-small");
        assertThatThrownBy(() -> ParamShapes.get("flat-0")).hasMessageContaining("N must be between");
    }
}
