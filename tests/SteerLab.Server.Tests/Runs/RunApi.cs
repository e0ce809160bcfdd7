using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Engine.Demo;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Tests.Runs;

/// <summary>Talks to /api/runs like any HTTP client would; waits by polling with a bound, never by sleeping a fixed time.</summary>
public sealed class RunApi(HttpClient client)
{
    public HttpClient Client => client;

    public Task<HttpResponseMessage> PostAsync(RunRequest request) => client.PostAsJsonAsync("/api/runs", request, JobApi.Json);

    public async Task<RunSummary> StartAsync(RunRequest request)
    {
        using var response = await PostAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/runs: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<RunSummary>(body, JobApi.Json)!;
    }

    /// <summary>The ValidationProblem's errors by field.</summary>
    public async Task<Dictionary<string, string[]>> StartRefusedAsync(RunRequest request)
    {
        using var response = await PostAsync(request);
        return await ErrorsOf(response);
    }

    public static async Task<Dictionary<string, string[]>> ErrorsOf(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    public Task<RunView> GetAsync(Guid id) => client.GetFromJsonAsyncOrFail<RunView>($"/api/runs/{id}");

    public async Task<RunView> WaitForJobAsync(Guid id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        RunView last;
        while (true)
        {
            last = await GetAsync(id);
            if (last.Summary.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled or JobState.Interrupted) return last;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(100);
        }
        Assert.Fail($"run {id} did not finish within {timeout.TotalSeconds} s; last seen {last.Summary.State} ({last.Summary.Message}, {last.Summary.Error})");
        return last;
    }
}

/// <summary>Hosts and people the run tests share.</summary>
static class RunTestHosts
{
    /// <summary>A tiny A/B test set in CAA format: genre questions whose matching answer is the romance-like sentence.</summary>
    public const string AbTestSet = """
        [
          {"question": "Which sentence is from a romance story?\n(A) She kissed him softly in the moonlight.\n(B) The council voted on the budget today.", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
          {"question": "Which sentence is from a romance story?\n(A) The senator said the bill would pass.\n(B) He held her hand and smiled.", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(A)"},
          {"question": "Which sentence is from a romance story?\n(A) Her heart raced when he came home.\n(B) Prices rose by three per cent.", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
          {"question": "Which sentence is from a romance story?\n(A) The team won the game on Sunday.\n(B) They danced until dawn.", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(A)"},
          {"question": "Which sentence is from a romance story?\n(A) He whispered that he loved her.\n(B) The mayor opened the new bridge.", "answer_matching_behavior": "(A)", "answer_not_matching_behavior": "(B)"},
          {"question": "Which sentence is from a romance story?\n(A) Police reported two arrests.\n(B) She dreamed of him all night.", "answer_matching_behavior": "(B)", "answer_not_matching_behavior": "(A)"}
        ]
        """;

    public static string RequireDemo()
    {
        string? demo = DemoAssets.FindFolder();
        Skip.If(demo is null || !Directory.Exists(Path.Combine(demo, DemoAssets.VectorFolderName)), "the built-in demo is not beside the test assembly");
        return demo!;
    }

    /// <summary>The demo folder as the model root (demo vectors seeded). "workers": no engine, so jobs stay queued.</summary>
    public static SteerLabServer NewDemoServer(string demo, string engineMode = "in-process", Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(extra ?? []) { ["SteerLab:ModelRoots:0"] = demo };
        return new SteerLabServer(engineMode, extraSettings: settings);
    }

    public static async Task<Guid> AdminTeamAsync(SteerLabServer server)
    {
        var admin = await Accounts.Accounts.AdminIdAsync(server);
        await using var db = server.CreateDbContext();
        return db.TeamMembers.Where(m => m.UserId == admin).Select(m => m.TeamId).First();
    }

    /// <summary>A new member of <paramref name="team"/> with <paramref name="role"/>, and a client sending their write key.</summary>
    public static async Task<(Guid UserId, HttpClient Client)> MemberAsync(SteerLabServer server, Guid team, string role, string? email = null)
    {
        var user = await Accounts.Accounts.CreateUserAsync(server, email ?? $"{role}-{Guid.NewGuid():N}@runs.test", team, role);
        await using var acting = Accounts.Accounts.ActingFor(server, user);
        string key = (await acting.ServiceProvider.GetRequiredService<IAccountService>().CreateApiKeyAsync("runs test", ApiKeyScopes.Write)).Secret;
        return (user, server.CreateClientWithKey(key));
    }
}

/// <summary>Reads RFC 4180 CSV (quoted fields with doubled quotes, CRLF records) into rows of fields.</summary>
static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else field.Append(c);
        }
        Assert.False(quoted, "the CSV ends inside a quoted field");
        Assert.True(field.Length == 0 && row.Count == 0, "the CSV's last record is not ended by CRLF");
        return rows;
    }
}
