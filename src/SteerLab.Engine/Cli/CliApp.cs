using System.CommandLine;

namespace SteerLab.Engine.Cli;

/// <summary>The engine's command line: <c>dotnet run --project src/SteerLab.Engine -c Release -- &lt;verb&gt;</c>.
/// Each verb lives in its own file and adds itself here.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("SteerLab engine: run language models on TorchSharp, with hooks for activation steering.");
        return await root.Parse(args).InvokeAsync();
    }
}
