using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Tests.Vectors;

/// <summary>Talks to /api/vectors like any HTTP client would.</summary>
public sealed class VectorApi(HttpClient client)
{
    public HttpClient Client => client;

    public static SteerLabServer NewServer(string? dataFolder = null, string? demoVectorFolder = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>();
        // Keep the built-in demo vectors out of lists unless a test asks for them.
        if (demoVectorFolder is null) settings["SteerLab:Vectors:SeedDemoVectors"] = "false";
        else settings["SteerLab:Vectors:DemoVectorFolder"] = demoVectorFolder;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        return new SteerLabServer(dataFolder: dataFolder, extraSettings: settings);
    }

    public Task<HttpResponseMessage> PostImportAsync(string json, string contentType = "application/json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return client.PostAsync("/api/vectors/import", content);
    }

    /// <summary>Imports and expects 201 Created.</summary>
    public async Task<VectorSummary> ImportAsync(string json)
    {
        using var response = await PostImportAsync(json);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/vectors/import: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<VectorSummary>(body, JobApi.Json)!;
    }

    /// <summary>Imports and expects a refusal with <paramref name="status"/>: the listed problems, as (path, message).</summary>
    public async Task<(IReadOnlyList<VectorImportProblem> Problems, int Count)> ImportRefusedAsync(string json, HttpStatusCode status)
    {
        using var response = await PostImportAsync(json);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        var problems = problem.RootElement.GetProperty("problems").Deserialize<List<VectorImportProblem>>(JobApi.Json)!;
        return (problems, problem.RootElement.GetProperty("problemCount").GetInt32());
    }

    public Task<IReadOnlyList<VectorSummary>> ListAsync(string query = "") =>
        client.GetFromJsonAsyncOrFail<IReadOnlyList<VectorSummary>>("/api/vectors" + query);

    public Task<VectorDetail> GetAsync(Guid id, string query = "") => client.GetFromJsonAsyncOrFail<VectorDetail>($"/api/vectors/{id}{query}");

    public async Task<(string Json, string? FileName)> ExportAsync(Guid id)
    {
        using var response = await client.GetAsync($"/api/vectors/{id}/export");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET export: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        return (body, response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }
}
