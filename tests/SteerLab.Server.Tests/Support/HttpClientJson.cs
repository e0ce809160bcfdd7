using System.Text.Json;

namespace SteerLab.Server.Tests.Support;

public static class HttpClientJson
{
    /// <summary>GET and parse, failing with the status and body when the answer is not a success.</summary>
    public static async Task<T> GetFromJsonAsyncOrFail<T>(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<T>(body, JobApi.Json)!;
    }
}
