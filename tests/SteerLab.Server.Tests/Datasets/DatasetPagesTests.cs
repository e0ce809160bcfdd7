using System.Net;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Tests.Datasets;

/// <summary>The dataset pages, requested over HTTP from the real host: prerendered on the server, so what the
/// service returns is in the first response (the interactive parts are covered by the bUnit tests).</summary>
public sealed class DatasetPagesTests
{
    [SkippableFact]
    public async Task DatasetPages_ArePrerenderedFromTheDatabase_AndReachableFromTheNavigation()
    {
        await using var server = new SteerLabServer(extraSettings: new Dictionary<string, string?> { ["SteerLab:Datasets:SeedBuiltIn"] = "false" });
        var api = new DatasetApi(server.CreateClient());
        using var created = await api.UploadAsync("prompt,positive,negative\n\"Say <b>hi</b>\",Hello there.,Go away.\n", "greetings.csv", "Greetings <script>");
        var dataset = await DatasetApi.ReadAsync<DatasetSummary>(created, "upload");

        string home = await api.Client.GetStringAsync("/");
        string list = await api.Client.GetStringAsync("/datasets");
        string detail = await api.Client.GetStringAsync($"/datasets/{dataset.Id}");
        using var missing = await api.Client.GetAsync($"/datasets/{Guid.NewGuid()}");

        Assert.Contains("href=\"datasets\"", home);
        Assert.Contains("Upload a dataset", list);
        Assert.Contains($"href=\"datasets/{dataset.Id}\"", list);
        Assert.Contains("Greetings &lt;script&gt;", list); // user text is text, never markup
        Assert.DoesNotContain("Greetings <script>", list);
        Assert.Contains(dataset.ContentHash[..12], list);
        Assert.Contains(dataset.ContentHash, detail);
        Assert.Contains("Greetings &lt;script&gt;", detail);
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains("No such dataset", await missing.Content.ReadAsStringAsync());
    }
}
