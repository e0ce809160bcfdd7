using System.CommandLine;
using System.Text.Json;
using SteerLab.Engine.Generation;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Cli;

/// <summary><c>generate --model DIR (--prompt TEXT | --prompt-ids 1,2,3) --max-new-tokens N [--temperature T]
/// [--top-k K] [--top-p P] [--seed S] [--dtype f32|bf16] [--threads N] [--json]</c>: continues one prompt, streaming text
/// to stdout, or with --json printing <c>{"tokens": [prompt and continuation ids], "text": "..."}</c>.</summary>
static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder (config.json + safetensors)", Required = true };
        var prompt = new Option<string?>("--prompt") { Description = "Prompt text (needs a tokenizer in the model folder)" };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Prompt as comma-separated token ids, e.g. 1,403,407" };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "How many tokens to generate", Required = true };
        var temperature = new Option<double>("--temperature") { Description = "0 = greedy (default)", DefaultValueFactory = _ => 0 };
        var topK = new Option<int>("--top-k") { Description = "Keep the k most likely tokens (0 = off)", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling threshold (1 = off)", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<long>("--seed") { Description = "Sampling seed", DefaultValueFactory = _ => 0 };
        var dtype = new Option<string>("--dtype") { Description = "Weight type: f32 or bf16", DefaultValueFactory = _ => "f32" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object {tokens, text}" };
        var threads = CliThreads.Option();
        var command = new Command("generate", "Continue a prompt with a model") { model, prompt, promptIds, maxNew, temperature, topK, topP, seed, dtype, json, threads };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(prompt) is null) == (result.GetValue(promptIds) is null))
                result.AddError("give exactly one of --prompt and --prompt-ids");
        });
        command.SetAction((parse, cancellation) =>
        {
            CliThreads.Apply(parse.GetValue(threads));
            return Task.FromResult(Run(parse.GetValue(model)!.FullName, parse.GetValue(prompt), parse.GetValue(promptIds), parse.GetValue(maxNew),
                new SamplingSettings(parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(seed)),
                CliDTypes.Parse(parse.GetValue(dtype)!), parse.GetValue(json), cancellation));
        });
        return command;
    }

    static int Run(string modelDir, string? promptText, string? promptIds, int maxNew, SamplingSettings sampling,
        TorchSharp.torch.ScalarType dtype, bool json, CancellationToken cancellation)
    {
        using var loaded = LoadedModel.Open(modelDir, dtype);
        var (model, tokenizer) = (loaded.Model, loaded.Tokenizer);
        IReadOnlyList<int> ids;
        if (promptIds is not null) ids = ParseIds(promptIds);
        else if (tokenizer is null) throw new ArgumentException($"{modelDir} has no tokenizer: give the prompt as --prompt-ids");
        else ids = tokenizer.Encode(promptText!, addBos: true);

        var stopIds = model.Config.EosIds.Concat(tokenizer?.StopIds ?? []).ToHashSet();
        var request = new GenerationRequest { Prompts = [ids], MaxNewTokens = maxNew, Sampling = sampling, StopIds = stopIds };
        // Text mode streams: the prompt's text, then each token's text as it is chosen.
        var streamDecoder = !json && tokenizer is not null ? new TokenStreamDecoder(tokenizer, ids) : null;
        if (streamDecoder is not null) Console.Write(tokenizer!.Decode(ids));
        var result = new TokenGenerator(model).Generate(request, token =>
        {
            if (json || token.IsStop) return;
            Console.Write(streamDecoder is not null ? streamDecoder.Push(token.Id) : $"{token.Id} ");
        }, cancellation)[0];

        if (json)
        {
            var all = result.AllIds;
            Console.WriteLine(JsonSerializer.Serialize(new { tokens = all, text = tokenizer?.Decode(all) }));
        }
        else Console.WriteLine(streamDecoder?.Flush());
        return 0;
    }

    static List<int> ParseIds(string text)
    {
        var ids = new List<int>();
        foreach (var (part, index) in text.Split(',', StringSplitOptions.TrimEntries).Select((p, i) => (p, i)))
            ids.Add(int.TryParse(part, out int id) && id >= 0 ? id : throw new ArgumentException($"--prompt-ids entry {index} ('{part}') is not a non-negative integer"));
        return ids;
    }
}
