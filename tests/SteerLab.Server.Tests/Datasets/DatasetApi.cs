using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Tests.Datasets;

/// <summary>Talks to /api/datasets like any HTTP client would: files go up as multipart form data.</summary>
public sealed class DatasetApi(HttpClient client)
{
    public HttpClient Client => client;

    public Task<HttpResponseMessage> UploadAsync(byte[] content, string fileName, string? name = null, string? description = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        if (name is not null) form.Add(new StringContent(name), "name");
        if (description is not null) form.Add(new StringContent(description), "description");
        return client.PostAsync("/api/datasets", form);
    }

    public Task<HttpResponseMessage> UploadAsync(string text, string fileName, string? name = null, string? description = null) =>
        UploadAsync(Encoding.UTF8.GetBytes(text), fileName, name, description);

    public async Task<DatasetValidationResult> ValidateAsync(byte[] content, string fileName)
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(content), "file", fileName);
        using var response = await client.PostAsync("/api/datasets/validate", form);
        return await ReadAsync<DatasetValidationResult>(response, "POST /api/datasets/validate");
    }

    public Task<DatasetValidationResult> ValidateAsync(string text, string fileName) => ValidateAsync(Encoding.UTF8.GetBytes(text), fileName);

    public async Task<IReadOnlyList<DatasetSummary>> ListAsync() => await client.GetFromJsonAsyncOrFail<List<DatasetSummary>>("/api/datasets");

    /// <summary>The body of a success, failing with the status and body otherwise.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, string what)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{what}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<T>(body, JobApi.Json)!;
    }

    /// <summary>The validation report a 422 answer carries in its problem details.</summary>
    public static async Task<DatasetValidationResult> ReportOf(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 422, $"expected 422, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.GetProperty("report").Deserialize<DatasetValidationResult>(JobApi.Json)!;
    }
}
