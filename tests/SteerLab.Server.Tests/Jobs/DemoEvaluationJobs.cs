using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SteerLab.Engine.Demo;
using SteerLab.Engine.Steering;
using SteerLab.Server.Tests.Support;
using SteerLab.Shared.Engine;

namespace SteerLab.Server.Tests.Jobs;

/// <summary>What the evaluation job tests share: a host over the built-in demo (the demo folder as the model root), the
/// demo's vector documents, valid parameters to spoil one field at a time, and POST /api/jobs.</summary>
static class DemoEvaluationJobs
{
    public static string DemoFolder => DemoAssets.FindFolder() ?? throw new InvalidOperationException("the demo folder is not beside the test assembly");

    public static SteerLabServer NewDemoServer() =>
        new(extraSettings: new Dictionary<string, string?> { ["SteerLab:ModelRoots:0"] = DemoFolder });

    public static string VectorDocument(SteeringMethod method) =>
        File.ReadAllText(Path.Combine(DemoFolder, DemoAssets.VectorFolderName, DemoAssets.VectorFileName(DemoContrast.RomanceVsPress, method)));

    public static SweepVectorParameters SasVector(params double[] lambdas) =>
        new(VectorDocument(SteeringMethod.Sas), lambdas, Sae: DemoAssets.SaeFolderName, VectorId: Guid.NewGuid());

    /// <summary>Two raw prompts the demo model continues, judged by the demo's classifier.</summary>
    public static OpenEndedJobParameters OpenEnded() =>
        new(DemoAssets.ModelName, [SasVector(0, 8)], "demo starts", """[{"question": "It was"}, {"question": "She said"}]""",
            "The text reads like romance fiction rather than press reportage.", new OpenEndedJudgeParameters("classifier", Contrast: "romance-vs-press"),
            MaxQuestions: 2, PromptFormat: "raw", MaxNewTokens: 8, Temperature: 1.0, Seed: 3);

    /// <summary>CAA's MMLU/TruthfulQA A/B schema.</summary>
    public const string TinyBenchmark = """
        [
          {"prompt": "Which is a colour?\n(A) red\n(B) seven", "correct": "(A)", "incorrect": "(B)"},
          {"prompt": "Which is a number?\n(A) blue\n(B) seven", "correct": "(B)", "incorrect": "(A)"},
          {"prompt": "Which is an animal?\n(A) horse\n(B) table", "correct": "(A)", "incorrect": "(B)"}
        ]
        """;

    public static SideEffectsJobParameters SideEffects() =>
        new(DemoAssets.ModelName, [SasVector(0, 8)], "two sentences",
            ["She looked into his eyes and her heart was full of love; he kissed her softly and they walked home together in the rain.",
             "The committee approved the budget for the county and the state legislature voted on the bill on Tuesday afternoon."],
            [new SideEffectsBenchmarkParameters("tiny-ab", TinyBenchmark)], WindowTokens: 8, MaxWindows: 4);

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string kind, object parameters) =>
        client.PostAsJsonAsync("/api/jobs", new { kind, parameters }, JobApi.Json);

    /// <summary>The ValidationProblem's errors by parameter name.</summary>
    public static async Task<Dictionary<string, string[]>> PostExpecting400(HttpClient client, string kind, object parameters)
    {
        using var response = await PostAsync(client, kind, parameters);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
