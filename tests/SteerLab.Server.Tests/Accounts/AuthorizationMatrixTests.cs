using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SteerLab.Server.Tests.Support;
using Xunit.Abstractions;
using F = SteerLab.Server.Tests.Accounts.AuthorizationMatrixFixture;

namespace SteerLab.Server.Tests.Accounts;

/// <summary>The authorisation matrix: every endpoint the host maps (REST, OpenAI-compatible, account forms, hubs,
/// Blazor's own, static files, pages) × every kind of caller, against the table below — which is the documentation of
/// who may do what. An endpoint missing from the table fails the test, so a new one cannot go in unreviewed. Ids in
/// routes and bodies are team A's real objects; team B's editor and the administrator (not in team A) must find them
/// not to exist, pages included.</summary>
public sealed class AuthorizationMatrixTests(F fixture, ITestOutputHelper output) : IClassFixture<F>
{
    /// <summary>One row: the endpoint as "METHODS pattern" (as the host maps it), its rule, and a request that exercises it.</summary>
    public sealed record Entry(string Endpoint, AccessRule Rule, Func<F, Task<HttpRequestMessage>> Request, bool IsPage = false, string? Secret = null);

    /// <summary>Static assets (MapStaticAssets) are many endpoints, one per file and encoding: one row covers them.</summary>
    const string StaticAssets = "static assets (MapStaticAssets)";

    static Entry Api(string endpoint, AccessRule rule, Func<F, Task<HttpRequestMessage>> request) => new(endpoint, rule, request);

    static Entry Api(string endpoint, AccessRule rule, HttpMethod method, Func<F, string> path, Func<F, HttpContent?>? body = null) =>
        new(endpoint, rule, f => Task.FromResult(new HttpRequestMessage(method, path(f)) { Content = body?.Invoke(f) }));

    static Entry Page(string endpoint, AccessRule rule, Func<F, string> path, string? secret = null) =>
        new(endpoint, rule, f => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, path(f))), IsPage: true, Secret: secret);

    static JsonContent Json(object value) => JsonContent.Create(value, options: JobApi.Json);

    static MultipartFormDataContent CsvUpload() => new() { { new StringContent($"prompt,positive,negative\nA {Guid.NewGuid():N},b,c\n"), "file", "probe.csv" } };

    static readonly HttpMethod Get = HttpMethod.Get, Post = HttpMethod.Post, Delete = HttpMethod.Delete, Patch = HttpMethod.Patch;

    /// <summary>Who may do what. Read it as the access documentation of SteerLab's HTTP surface.</summary>
    public static readonly IReadOnlyList<Entry> Table =
    [
        // Datasets
        Api("GET /api/datasets/", AccessRule.SignedIn, Get, _ => "/api/datasets"),
        Api("POST /api/datasets/validate", AccessRule.SignedIn, Post, _ => "/api/datasets/validate", _ => CsvUpload()), // checks, stores nothing
        Api("POST /api/datasets/", AccessRule.Create, Post, _ => "/api/datasets", _ => CsvUpload()),
        Api("GET /api/datasets/{id:guid}", AccessRule.TeamRead, Get, f => $"/api/datasets/{f.DatasetId}"),
        Api("GET /api/datasets/{id:guid}/pairs", AccessRule.TeamRead, Get, f => $"/api/datasets/{f.DatasetId}/pairs"),
        Api("PATCH /api/datasets/{id:guid}", AccessRule.TeamWrite, Patch, f => $"/api/datasets/{f.DatasetId}", _ => Json(new { description = "probed" })),
        Api("DELETE /api/datasets/{id:guid}", AccessRule.TeamWrite, async f => new HttpRequestMessage(Delete, $"/api/datasets/{await f.VictimDatasetAsync()}")),
        // Vectors
        Api("GET /api/vectors/", AccessRule.SignedIn, Get, _ => "/api/vectors"),
        Api("GET /api/vectors/{id:guid}", AccessRule.TeamRead, Get, f => $"/api/vectors/{f.VectorId}"),
        Api("GET /api/vectors/{id:guid}/export", AccessRule.TeamRead, Get, f => $"/api/vectors/{f.VectorId}/export"),
        Api("DELETE /api/vectors/{id:guid}", AccessRule.TeamWrite, async f => new HttpRequestMessage(Delete, $"/api/vectors/{await f.VictimVectorAsync()}")),
        Api("POST /api/vectors/import", AccessRule.Create, Post, _ => "/api/vectors/import", f => new StringContent(f.VectorDocument, Encoding.UTF8, "application/json")),
        Api("POST /api/vectors/build", AccessRule.TeamWrite, Post, _ => "/api/vectors/build",
            f => Json(new { datasetId = f.DatasetId, model = "stories260K", method = "caa", hook = "blocks.2.hook_resid_post" })),
        // Vector shares: the owning team's editors share and revoke (a link here, so team B never gains access mid-matrix);
        // a link's holder reads without signing in.
        Api("GET /api/vectors/{id:guid}/shares", AccessRule.TeamRead, Get, f => $"/api/vectors/{f.VectorId}/shares"),
        Api("POST /api/vectors/{id:guid}/shares", AccessRule.TeamWrite, Post, f => $"/api/vectors/{f.VectorId}/shares", _ => Json(new { link = true })),
        Api("DELETE /api/vectors/shares/{shareId:guid}", AccessRule.TeamWrite, async f => new HttpRequestMessage(Delete, $"/api/vectors/shares/{await f.VictimShareAsync()}")),
        Api("GET /api/shared/vectors/{token}", AccessRule.Public, Get, f => $"/api/shared/vectors/{f.LinkToken}"),
        Api("GET /api/shared/vectors/{token}/export", AccessRule.Public, Get, f => $"/api/shared/vectors/{f.LinkToken}/export"),
        // Jobs
        Api("GET /api/jobs/", AccessRule.SignedIn, Get, _ => "/api/jobs"),
        Api("POST /api/jobs/", AccessRule.Create, Post, _ => "/api/jobs",
            _ => Json(new { kind = "generate", parameters = new { model = "stories260K", prompt = "Once", maxNewTokens = 4 } })),
        Api("GET /api/jobs/{id:guid}", AccessRule.TeamRead, Get, f => $"/api/jobs/{f.JobId}"),
        Api("POST /api/jobs/{id:guid}/cancel", AccessRule.TeamWrite, Post, f => $"/api/jobs/{f.JobId}/cancel"), // 202, then 409 once cancelled
        // Models: everyone reads the catalogue; loading and unloading fill the memory every team shares.
        Api("GET /api/models/", AccessRule.SignedIn, Get, _ => "/api/models"),
        Api("POST /api/models/load", AccessRule.Administrator, Post, _ => "/api/models/load", _ => Json(new { model = "stories260K" })),
        Api("POST /api/models/unload", AccessRule.Administrator, Post, _ => "/api/models/unload", _ => Json(new { model = "stories260K" })),
        // Compare
        Api("POST /api/compare/overlap", AccessRule.TeamRead, Post, _ => "/api/compare/overlap", f => Json(new { vectorIds = new[] { f.VectorId } })),
        Api("POST /api/compare/sweep", AccessRule.TeamWrite, Post, _ => "/api/compare/sweep",
            f => Json(new { vectorIds = new[] { f.VectorId }, testSetId = f.DatasetId, denseLambdas = new[] { 0.0, 1.0 }, sparseLambdas = new[] { 0.0, 4.0 }, maxQuestions = 2 })),
        // Evaluation runs: members read; editors start, re-run and cancel; reviewers and up score blind (an open-ended run with one answer).
        Api("GET /api/runs/", AccessRule.SignedIn, Get, _ => "/api/runs"),
        Api("POST /api/runs/", AccessRule.TeamWrite, Post, _ => "/api/runs", f => Json(new
        {
            kind = "ab-sweep", vectorIds = new[] { f.VectorId }, denseLambdas = new[] { 0.0, 1.0 }, sparseLambdas = new[] { 0.0, 4.0 },
            abSweep = new { testSetId = f.DatasetId, maxQuestions = 2 },
        })),
        Api("GET /api/runs/{id:guid}", AccessRule.TeamRead, Get, f => $"/api/runs/{f.RunId}"),
        Api("POST /api/runs/{id:guid}/rerun", AccessRule.TeamWrite, Post, f => $"/api/runs/{f.RunId}/rerun"),
        Api("POST /api/runs/{id:guid}/cancel", AccessRule.TeamWrite, Post, f => $"/api/runs/{f.RunId}/cancel"), // its job has ended: 409
        Api("GET /api/runs/{id:guid}/answers", AccessRule.TeamRead, Get, f => $"/api/runs/{f.RunId}/answers"),
        Api("GET /api/runs/{id:guid}/export", AccessRule.TeamRead, Get, f => $"/api/runs/{f.RunId}/export?format=csv"),
        Api("GET /api/runs/{id:guid}/agreement", AccessRule.TeamRead, Get, f => $"/api/runs/{f.RunId}/agreement"),
        Api("GET /api/runs/{id:guid}/review/next", AccessRule.TeamReview, Get, f => $"/api/runs/{f.RunId}/review/next"),
        Api("POST /api/runs/{id:guid}/reviews", AccessRule.TeamReview, Post, f => $"/api/runs/{f.RunId}/reviews",
            f => Json(new { answerId = f.RunAnswerId, item = "behaviour", score = 5 })),
        // Judges (the team's OpenAI-compatible endpoints): members list; editors create, change, delete and test (a probe's
        // judge points at a closed port, so a test call fails fast with 200 and status Failed).
        Api("GET /api/judges/", AccessRule.SignedIn, Get, _ => "/api/judges"),
        Api("POST /api/judges/", AccessRule.Create, Post, _ => "/api/judges", _ => Json(Judges.JudgeMatrixProbes.Body())),
        Api("PUT /api/judges/{id:guid}", AccessRule.TeamWrite, async f => new HttpRequestMessage(HttpMethod.Put,
            $"/api/judges/{await Judges.JudgeMatrixProbes.TeamAJudgeAsync(f)}") { Content = Json(Judges.JudgeMatrixProbes.Body()) }),
        Api("DELETE /api/judges/{id:guid}", AccessRule.TeamWrite, async f => new HttpRequestMessage(Delete, $"/api/judges/{await Judges.JudgeMatrixProbes.TeamAJudgeAsync(f)}")),
        Api("POST /api/judges/{id:guid}/test", AccessRule.TeamWrite, async f => new HttpRequestMessage(Post, $"/api/judges/{await Judges.JudgeMatrixProbes.TeamAJudgeAsync(f)}/test")),
        // OpenAI-compatible: steering with team A's vector; a temperature of 1000 is refused (400) only after the vector is
        // looked up, so a member's request never waits for an engine.
        Api("POST /v1/chat/completions", AccessRule.TeamWrite, Post, _ => "/v1/chat/completions", f => Json(new
        {
            model = "stories260K", max_tokens = 4, temperature = 1000, messages = new[] { new { role = "user", content = "hi" } },
            steering = new[] { new { vector_id = f.VectorId, lambda = 1.0 } },
        })),
        // Account forms (antiforgery-checked; without a token they answer 400 to everyone)
        Api("POST /auth/sign-in", AccessRule.Public, Post, _ => "/auth/sign-in", _ => new FormUrlEncodedContent([])),
        Api("POST /auth/setup", AccessRule.Public, Post, _ => "/auth/setup", _ => new FormUrlEncodedContent([])),
        Api("POST /auth/sign-out", AccessRule.Public, Post, _ => "/auth/sign-out", _ => new FormUrlEncodedContent([])),
        Api("POST /auth/join", AccessRule.Public, Post, _ => "/auth/join", _ => new FormUrlEncodedContent([])),
        // Engine hub: worker keys only
        Api("* /hubs/engine/negotiate", AccessRule.EngineWorker, Post, _ => "/hubs/engine/negotiate?negotiateVersion=1"),
        Api("* /hubs/engine", AccessRule.EngineWorker, Get, _ => "/hubs/engine"),
        // Blazor's own endpoints: anyone may open a circuit; the pages in it check who is signed in, the services the team.
        Api("* /_blazor/negotiate", AccessRule.Public, Post, _ => "/_blazor/negotiate?negotiateVersion=1"),
        Api("* /_blazor", AccessRule.Public, Get, _ => "/_blazor"),
        Api("* /_blazor/initializers/", AccessRule.Public, Get, _ => "/_blazor/initializers/"),
        Api("* /_blazor/disconnect/", AccessRule.Public, Post, _ => "/_blazor/disconnect/"),
        Api("GET /_framework/opaque-redirect", AccessRule.Public, Get, _ => "/_framework/opaque-redirect"),
        Api("GET,HEAD {**path:file}", AccessRule.PublicMissingFile, Get, _ => "/no-such-file.js"),
        Api(StaticAssets, AccessRule.Public, Get, _ => "/_content/SteerLab.Client/app.css"),
        // Pages (Blazor @page routes)
        Page("GET,POST /", AccessRule.Page, _ => "/"),
        Page("GET,POST /datasets", AccessRule.Page, _ => "/datasets"),
        Page("GET,POST /datasets/{Id:guid}", AccessRule.TeamPage, f => $"/datasets/{f.DatasetId}", F.SecretDataset),
        Page("GET,POST /vectors", AccessRule.Page, _ => "/vectors"),
        Page("GET,POST /vectors/{Id:guid}", AccessRule.TeamPage, f => $"/vectors/{f.VectorId}", F.SecretVector),
        Page("GET,POST /chat", AccessRule.TeamPage, f => $"/chat?preset={f.PresetId}", F.SecretPreset),
        Page("GET,POST /compare", AccessRule.TeamPage, f => $"/compare?ids={f.VectorId}", F.SecretVector),
        Page("GET,POST /models", AccessRule.Page, _ => "/models"),
        Page("GET,POST /runs", AccessRule.Page, _ => "/runs"),
        Page("GET,POST /runs/new", AccessRule.Page, _ => "/runs/new"),
        Page("GET,POST /runs/{Id:guid}", AccessRule.TeamPage, f => $"/runs/{f.RunId}", "Team A secret run"),
        Page("GET,POST /reports", AccessRule.Page, _ => "/reports"),
        Page("GET,POST /account", AccessRule.Page, _ => "/account"),
        Page("GET,POST /team", AccessRule.Page, _ => "/team"),
        Page("GET,POST /invite/{Token}", AccessRule.Page, f => $"/invite/{f.InvitationToken}"), // accepting needs a click
        Page("GET,POST /not-found", AccessRule.Page, _ => "/not-found"),
        Page("GET,POST /shared/vectors/{Token}", AccessRule.PublicPage, f => $"/shared/vectors/{f.LinkToken}", F.SecretVector), // the link is the credential
        Page("GET,POST /account/sign-in", AccessRule.PublicPage, _ => "/account/sign-in"),
        Page("GET,POST /account/setup", AccessRule.PublicPage, _ => "/account/setup"),
        Page("GET,POST /account/join", AccessRule.PublicPage, f => $"/account/join?token={f.InvitationToken}"),
    ];

    /// <summary>Every endpoint of the running host, as "METHODS pattern" (static assets folded into one row).</summary>
    static IReadOnlySet<string> MappedEndpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor") ? StaticAssets
                : $"{(e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? string.Join(",", methods) : "*")} {e.RoutePattern.RawText}")
            .ToHashSet();

    [Fact]
    public void EveryMappedEndpoint_HasARowInTheTable_AndEveryRowIsMapped()
    {
        var mapped = MappedEndpoints(fixture.Server.Services);
        var documented = Table.Select(e => e.Endpoint).ToHashSet();

        Assert.True(Table.Count == documented.Count, "a row appears twice in the table");
        Assert.True(mapped.Except(documented).ToList() is [], $"endpoints with no row in the access table (add one, with its rule): {string.Join("; ", mapped.Except(documented))}");
        Assert.True(documented.Except(mapped).ToList() is [], $"rows for endpoints the host no longer maps: {string.Join("; ", documented.Except(mapped))}");
    }

    [Fact]
    public void EveryBlazorPageRoute_IsAPageRow()
    {
        var routes = typeof(SteerLab.Client.App).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(RouteAttribute), inherit: false).Cast<RouteAttribute>())
            .Select(r => $"GET,POST {r.Template}").ToHashSet();

        Assert.Equal(routes.Order(), Table.Where(e => e.IsPage).Select(e => e.Endpoint).Order());
    }

    [Fact]
    public async Task EveryEndpoint_GivesEveryCaller_WhatTheTableSays()
    {
        var failures = new List<string>();
        int checks = 0;
        // Outsiders and the refused first: a probe that is allowed may change what the next one finds (a cancelled job).
        MatrixCaller[] order = [MatrixCaller.Anonymous, MatrixCaller.OtherTeamEditor, MatrixCaller.Administrator, MatrixCaller.Viewer,
            MatrixCaller.Reviewer, MatrixCaller.OwnerReadKey, MatrixCaller.Editor, MatrixCaller.Owner];
        foreach (var entry in Table)
            foreach (var caller in order)
            {
                var client = entry.IsPage ? fixture.Browser(caller) : fixture.Api(caller);
                if (client is null) continue; // keys are not browsers
                using var request = await entry.Request(fixture);
                using var response = await client.SendAsync(request);
                string body = await response.Content.ReadAsStringAsync();
                var outcome = Classify(response, body, entry);
                var expected = entry.Rule.Expected[caller];
                checks++;
                string line = $"{entry.Endpoint,-40} {caller,-16} {entry.Rule.Name,-22} expected {expected,-16} got {(int)response.StatusCode} {outcome}";
                output.WriteLine(line);
                if (outcome != expected) failures.Add($"{line}: {Shorten(body)} {response.Headers.Location}");
            }
        output.WriteLine($"{checks} checks over {Table.Count} rows");
        Assert.True(failures.Count == 0, $"{failures.Count} of {checks} checks differ from the table:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public async Task GuessedIds_AreNotFound_ForEveryoneAndEveryIdRoute()
    {
        var guess = Guid.NewGuid();
        string[] routes = [$"/api/datasets/{guess}", $"/api/datasets/{guess}/pairs", $"/api/vectors/{guess}", $"/api/vectors/{guess}/export", $"/api/jobs/{guess}"];
        foreach (var caller in new[] { MatrixCaller.Viewer, MatrixCaller.Owner, MatrixCaller.OtherTeamEditor, MatrixCaller.Administrator })
        {
            foreach (string route in routes)
                Assert.Equal(HttpStatusCode.NotFound, (await fixture.Api(caller).GetAsync(route)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Api(caller).DeleteAsync($"/api/vectors/{guess}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Api(caller).DeleteAsync($"/api/datasets/{guess}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await fixture.Api(caller).PostAsync($"/api/jobs/{guess}/cancel", null)).StatusCode);
        }
    }

    [Fact]
    public async Task Lists_OfOutsiders_NeverShowTeamAsObjects()
    {
        foreach (var caller in new[] { MatrixCaller.OtherTeamEditor, MatrixCaller.Administrator })
            foreach (string list in new[] { "/api/datasets", "/api/vectors", "/api/jobs?take=200", "/api/runs" })
            {
                string body = await fixture.Api(caller).GetStringAsync(list);
                Assert.DoesNotContain(fixture.DatasetId.ToString(), body);
                Assert.DoesNotContain(fixture.VectorId.ToString(), body);
                Assert.DoesNotContain(fixture.JobId.ToString(), body);
                Assert.DoesNotContain("Team A secret", body);
            }
        string mine = await fixture.Api(MatrixCaller.Viewer).GetStringAsync("/api/vectors?take=200");
        Assert.Contains(fixture.VectorId.ToString(), mine);
    }

    static Outcome Classify(HttpResponseMessage response, string body, Entry entry) => (int)response.StatusCode switch
    {
        401 => Outcome.Unauthenticated,
        403 => Outcome.Forbidden,
        404 => Outcome.NotFound,
        400 when body.Contains("there is no", StringComparison.Ordinal) => Outcome.NotFound,
        302 when response.Headers.Location?.OriginalString.Contains("/account/sign-in", StringComparison.Ordinal) == true => Outcome.SignInRedirect,
        200 when entry.IsPage && entry.Secret is { } secret && !body.Contains(secret, StringComparison.Ordinal) => Outcome.Hidden,
        >= 500 => (Outcome)(-1), // never expected: shows as a failure with the body
        _ => Outcome.Allowed,
    };

    static string Shorten(string text) => text.Length <= 3000 ? text : text[..3000] + "…";
}
