using SteerLab.Engine.Models;
using SteerLab.Engine.Tests.Support;
using static TorchSharp.torch;

namespace SteerLab.Engine.Tests.Models;

public sealed class UnembeddingTests
{
    /// <summary>Feature dashboards read W_U for every architecture: [vocab, d_model], non-zero and finite.</summary>
    [SkippableTheory]
    [InlineData("reference-models/tiny-gemma2")]
    [InlineData("reference-models/tiny-gpt2")]
    [InlineData("stories260K")]
    public void EveryArchitecture_ExposesItsUnembedding_AsVocabByDModel(string checkpoint)
    {
        using var model = ModelLoader.Load(SharedData.Require(checkpoint));

        var unembedding = model.Unembedding;

        Assert.Equal([model.Config.VocabSize, model.Config.DModel], unembedding.shape);
        Assert.True(unembedding.isfinite().all().item<bool>());
        Assert.True(unembedding.abs().sum().item<float>() > 0, "the unembedding is all zeros");
    }
}
