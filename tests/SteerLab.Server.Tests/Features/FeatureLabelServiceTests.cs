using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Features;

namespace SteerLab.Server.Tests.Features;

/// <summary>Feature labels on the real host's database: people's labels are set and cleared, imports add labels and
/// replace earlier imports but keep people's labels unless asked, and a malformed export stores nothing.</summary>
public sealed class FeatureLabelServiceTests
{
    const string Sae = "steerlab-brown-demo/sae";

    static byte[] Export(params (object Index, string Description)[] items) => Encoding.UTF8.GetBytes(
        "[" + string.Join(",", items.Select(i => $"{{\"modelId\":\"m\",\"layer\":\"1-res\",\"index\":{System.Text.Json.JsonSerializer.Serialize(i.Index)},\"description\":{System.Text.Json.JsonSerializer.Serialize(i.Description)},\"explanationModelName\":\"x\"}}")) + "]");

    [Fact]
    public async Task UserLabels_AreSetReadAndCleared_PerSae()
    {
        await using var server = VectorApiServer();
        var labels = server.AdminServices.GetRequiredService<IFeatureLabelService>();

        var stored = await labels.SetAsync(Sae, 12, "  past tense verbs ");
        Assert.Equal(new FeatureLabelView(12, "past tense verbs", FeatureLabelSources.User, stored!.UpdatedAt), stored);
        await labels.SetAsync("other/sae", 12, "something else");

        var read = await labels.GetAsync(Sae, [12, 13]);
        Assert.Equal("past tense verbs", Assert.Single(read).Value.Label);
        Assert.Null(await labels.SetAsync(Sae, 12, " "));
        Assert.Empty(await labels.GetAsync(Sae, [12]));
        Assert.Equal("something else", (await labels.GetAsync("other/sae", [12]))[12].Label);
        await Assert.ThrowsAsync<ArgumentException>(() => labels.SetAsync(Sae, 1, new string('x', FeatureLabelSources.MaxLabelLength + 1)));
    }

    [Theory]
    [InlineData(false, "romance")]
    [InlineData(true, "imported romance")]
    public async Task Import_AddsAndReplacesImportedLabels_KeepsPeoplesLabelsUnlessAsked(bool overwrite, string expected7)
    {
        await using var server = VectorApiServer();
        var labels = server.AdminServices.GetRequiredService<IFeatureLabelService>();
        await labels.SetAsync(Sae, 7, "romance");
        var first = await labels.ImportAsync(Sae, 2048, Export(("3", "old three")), "first.json");
        Assert.True(first.Imported);

        var result = await labels.ImportAsync(Sae, 2048, Export(("3", "new three"), (7, "imported romance"), ("9", "nine"), ("9", "nine again")), "second.json", overwrite);

        Assert.True(result.Imported, string.Join("; ", result.Problems));
        Assert.Equal((4, 1, overwrite ? 2 : 1, overwrite ? 0 : 1, 1), (result.Items, result.Added, result.Replaced, result.KeptUserLabels, result.Duplicates));
        var read = await labels.GetAsync(Sae, [3, 7, 9]);
        Assert.Equal(("new three", FeatureLabelSources.Import), (read[3].Label, read[3].Source));
        Assert.Equal(expected7, read[7].Label);
        Assert.Equal(overwrite ? FeatureLabelSources.Import : FeatureLabelSources.User, read[7].Source);
        Assert.Equal("nine", read[9].Label);
    }

    [Fact]
    public async Task MalformedImport_StoresNothing_AndNamesTheItem()
    {
        await using var server = VectorApiServer();
        var labels = server.AdminServices.GetRequiredService<IFeatureLabelService>();

        var result = await labels.ImportAsync(Sae, 2048, Export(("1", "fine"), ("5000", "past the SAE")), "bad.json");

        Assert.False(result.Imported);
        Assert.Equal("$[1].index", Assert.Single(result.Problems).Path);
        Assert.Empty(await labels.GetAsync(Sae, [1]));
    }

    static SteerLabServer VectorApiServer() => Vectors.VectorApi.NewServer();
}
