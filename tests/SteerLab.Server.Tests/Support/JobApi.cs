using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Tests.Support;

/// <summary>Talks to /api/jobs like any HTTP client would, and waits for job states by polling (never by sleeping a
/// fixed time): a wait gives up after a bound and fails with the last state it saw.</summary>
public sealed class JobApi(HttpClient client)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    public HttpClient Client => client;

    public async Task<JobView> CreateGenerateAsync(GenerateJobParameters parameters)
    {
        using var response = await PostGenerateAsync(parameters);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/jobs: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<JobView>(body, Json)!;
    }

    public Task<HttpResponseMessage> PostGenerateAsync(object parameters) =>
        client.PostAsJsonAsync("/api/jobs", new { kind = EngineJobKinds.Generate, parameters }, Json);

    public async Task<JobView> GetAsync(Guid id) => (await client.GetFromJsonAsync<JobView>($"/api/jobs/{id}", Json))!;

    public Task<HttpResponseMessage> CancelAsync(Guid id) => client.PostAsync($"/api/jobs/{id}/cancel", null);

    public async Task<JobView> WaitForAsync(Guid id, Func<JobView, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        JobView last;
        while (true)
        {
            last = await GetAsync(id);
            if (condition(last)) return last;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(50);
        }
        Assert.Fail($"job {id} never became {what} within {(timeout ?? DefaultWait).TotalSeconds} s; last seen: {Describe(last)}");
        return last;
    }

    public Task<JobView> WaitForStateAsync(Guid id, JobState state, TimeSpan? timeout = null) =>
        WaitForAsync(id, job => job.State == state, state.ToString(), timeout);

    public static GenerateJobResult ResultOf(JobView job) => job.Result!.Value.Deserialize<GenerateJobResult>(Json)!;

    public static string Describe(JobView job) =>
        $"{job.State} (progress {job.Progress:0.##}, attempts {job.Attempts}, worker {job.WorkerId}, message '{job.Message}', error '{job.Error}')";
}
