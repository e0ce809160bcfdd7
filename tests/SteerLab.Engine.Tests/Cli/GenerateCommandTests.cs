using System.Text.Json;
using SteerLab.Engine.Tests.Support;

namespace SteerLab.Engine.Tests.Cli;

[Collection(ConsoleCollection.Name)]
public class GenerateCommandTests
{
    [SkippableFact]
    public async Task Json_FromBos_PrintsLlama2cGreedyTokens()
    {
        var expected = Stories260K.Reference.GetProperty("greedy_from_bos").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var (code, output, error) = await ConsoleCapture.RunCli("generate", "--model", Stories260K.Directory, "--prompt-ids", "1",
            "--max-new-tokens", (expected.Length - 1).ToString(), "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(expected, json.RootElement.GetProperty("tokens").EnumerateArray().Select(x => x.GetInt32()));
    }

    [SkippableFact]
    public async Task TextPrompts_DecodeToWhatLlama2cPrinted_InJsonAndStreamedText()
    {
        foreach (var prompt in Stories260K.Prompts.Where(p => p.Text.Length > 0))
        {
            string maxNew = (prompt.GreedyIds.Length - prompt.PromptIds.Length).ToString();
            var (code, output, error) = await ConsoleCapture.RunCli("generate", "--model", Stories260K.Directory, "--prompt", prompt.Text, "--max-new-tokens", maxNew, "--json");
            Assert.True(code == 0, error);
            using var json = JsonDocument.Parse(output);
            Assert.Equal(prompt.GreedyIds, json.RootElement.GetProperty("tokens").EnumerateArray().Select(x => x.GetInt32()));
            string expectedText = prompt.RuncStdout.EndsWith('\n') ? prompt.RuncStdout[..^1] : prompt.RuncStdout;
            Assert.Equal(expectedText, json.RootElement.GetProperty("text").GetString());

            (code, output, error) = await ConsoleCapture.RunCli("generate", "--model", Stories260K.Directory, "--prompt", prompt.Text, "--max-new-tokens", maxNew);
            Assert.True(code == 0, error);
            Assert.Equal(expectedText + Environment.NewLine, output);
        }
    }

    [SkippableFact]
    public async Task UserErrors_PrintOneLineAndExitWithCode2()
    {
        var (code, _, error) = await ConsoleCapture.RunCli("generate", "--model", Path.Combine(Path.GetTempPath(), "no-such-model"), "--prompt", "x", "--max-new-tokens", "3");
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains("model folder not found", error);
        (code, _, error) = await ConsoleCapture.RunCli("generate", "--model", SharedData.Require("reference-models/tiny-gpt2"), "--prompt", "hello", "--max-new-tokens", "3");
        Assert.Equal(2, code);
        Assert.Contains("--prompt-ids", error);
    }
}
