using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace SteerLab.E2E.Tests.Support;

/// <summary>The REST API of a <see cref="RunningApp"/> as a program sees it: plain JSON (this project does not reference
/// the server's contracts), every wait bounded by a deadline that fails with the job as it last was.</summary>
public sealed class RestApi(Uri baseUri) : IDisposable
{
    readonly HttpClient http = new()
    {
        BaseAddress = baseUri,
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", RunningApp.ApiKey) },
    };

    public async Task<JsonNode> GetJsonAsync(string path) => JsonNode.Parse(await GetStringAsync(path))!;

    public async Task<string> GetStringAsync(string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    public async Task<byte[]> GetBytesAsync(string path)
    {
        using var response = await http.GetAsync(path);
        await EnsureAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>POSTs <paramref name="body"/> as JSON and expects <paramref name="expected"/>.</summary>
    public async Task<JsonNode> PostJsonAsync(string path, object body, HttpStatusCode expected)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        return JsonNode.Parse(await ReadAsync(response, expected))!;
    }

    /// <summary>Saves a dataset file (POST /api/datasets, multipart) and returns its id.</summary>
    public async Task<Guid> UploadDatasetAsync(string name, string fileName, string content)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(file, "file", fileName);
        form.Add(new StringContent(name), "name");
        using var response = await http.PostAsync("/api/datasets", form);
        var dataset = JsonNode.Parse(await ReadAsync(response, HttpStatusCode.Created))!;
        return dataset["id"]!.GetValue<Guid>();
    }

    public async Task<JsonNode> GetJobAsync(Guid id) => await GetJsonAsync($"/api/jobs/{id}");

    /// <summary>Polls the job until <paramref name="until"/> holds (or it has finished, when it cannot hold any more);
    /// fails after <paramref name="timeout"/> with the job as it last was.</summary>
    public Task<JsonNode> WaitForJobAsync(Guid id, Func<JsonNode, bool> until, TimeSpan timeout, TimeSpan? interval = null) =>
        WaitForAsync($"/api/jobs/{id}", job => until(job) || IsFinished(job), timeout, interval);

    /// <summary>Polls <paramref name="path"/> until what it answers satisfies <paramref name="until"/>; fails after
    /// <paramref name="timeout"/> with the answer as it last was.</summary>
    public async Task<JsonNode> WaitForAsync(string path, Func<JsonNode, bool> until, TimeSpan timeout, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        JsonNode answer = await GetJsonAsync(path);
        while (!until(answer))
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"{path} did not get there within {timeout.TotalSeconds} s; it is now:\n{answer.ToJsonString()}");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(250));
            answer = await GetJsonAsync(path);
        }
        return answer;
    }

    public Task<JsonNode> WaitUntilFinishedAsync(Guid id, TimeSpan timeout) => WaitForJobAsync(id, IsFinished, timeout, TimeSpan.FromMilliseconds(500));

    public static string StateOf(JsonNode job) => job["state"]!.GetValue<string>();

    public static bool IsFinished(JsonNode job) => StateOf(job) is "Succeeded" or "Failed" or "Cancelled" or "Interrupted";

    /// <summary>Running, with some progress recorded in the database: the engine is in the middle of the work.</summary>
    public static bool IsUnderWay(JsonNode job) => StateOf(job) == "Running" && job["progress"]!.GetValue<double>() > 0;

    static async Task<string> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        await EnsureAsync(response, expected);
        return await response.Content.ReadAsStringAsync();
    }

    static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose() => http.Dispose();
}
