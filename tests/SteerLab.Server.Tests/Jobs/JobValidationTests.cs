using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.Jobs;

/// <summary>POST /api/jobs refuses what cannot run, before anything is queued, naming the parameter and the problem.</summary>
public sealed class JobValidationTests
{
    [SkippableTheory]
    [InlineData("../stories260K", "model", "'..' is not allowed")]
    [InlineData("/etc", "model", "not under any model root")]
    [InlineData("no-such-model", "model", "not found under the model roots")]
    public async Task CreateJob_RefusesModelsOutsideTheModelRoots(string model, string field, string problem)
    {
        await using var server = new SteerLabServer();
        var errors = await PostExpecting400(server, new { model, promptIds = new[] { 1 }, maxNewTokens = 4 });

        Assert.Contains(errors[field], e => e.Contains(problem));
    }

    [SkippableFact]
    public async Task CreateJob_RefusesAModelFolderThatIsASymbolicLinkOutOfItsRoot()
    {
        string root = Directory.CreateTempSubdirectory("steerlab-roots-").FullName;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(root, "escape"), SharedData.Require("stories260K"));
            await using var server = new SteerLabServer(extraSettings: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = root });

            var errors = await PostExpecting400(server, new { model = "escape", promptIds = new[] { 1 }, maxNewTokens = 4 });

            Assert.Contains(errors["model"], e => e.Contains("symbolic link") && e.Contains("outside the model root"));
        }
        finally { SteerLabServer.TryDelete(root); }
    }

    [SkippableFact]
    public async Task CreateJob_ReportsEveryBadParameterByName()
    {
        await using var server = new SteerLabServer();

        var errors = await PostExpecting400(server, new { model = "stories260K", prompt = "hi", promptIds = new[] { -1 }, maxNewTokens = 0, temperature = -1, topP = 0 });

        Assert.Contains(errors["prompt"], e => e.Contains("exactly one"));
        Assert.Contains(errors["promptIds"], e => e.Contains("≥ 0"));
        Assert.Contains(errors["maxNewTokens"], e => e.Contains("between 1 and 4096"));
        Assert.True(errors.ContainsKey("temperature"));
        Assert.True(errors.ContainsKey("topP"));
    }

    [SkippableFact]
    public async Task CreateJob_RefusesUnknownKindsAndUnknownParameters()
    {
        await using var server = new SteerLabServer();
        using var client = server.CreateClient();

        using var kind = await client.PostAsJsonAsync("/api/jobs", new { kind = "mine-bitcoin", parameters = new { } });
        var unknownParameter = await PostExpecting400(server, new { model = "stories260K", promptIds = new[] { 1 }, maxNewTokens = 1, bogus = 1 });

        Assert.Equal(HttpStatusCode.BadRequest, kind.StatusCode);
        Assert.Contains("unknown job kind 'mine-bitcoin'", await kind.Content.ReadAsStringAsync());
        Assert.Contains(unknownParameter["parameters"], e => e.Contains("bogus"));
    }

    static async Task<Dictionary<string, string[]>> PostExpecting400(SteerLabServer server, object parameters)
    {
        var api = new JobApi(server.CreateClient());
        using var response = await api.PostGenerateAsync(parameters);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
