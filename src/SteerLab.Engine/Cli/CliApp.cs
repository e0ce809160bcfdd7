using System.CommandLine;

namespace SteerLab.Engine.Cli;

/// <summary>The engine's command line: <c>dotnet run --project src/SteerLab.Engine -c Release -- &lt;verb&gt;</c>.
/// Each verb lives in its own file and adds itself here. Problems a user can fix (bad files, bad arguments) are
/// printed as one line on stderr with exit code 2, not as a stack trace.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("SteerLab engine: run language models on TorchSharp, with hooks for activation steering.");
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(BuildVectorCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(BenchSteeringCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        root.Subcommands.Add(TrainSaeCommand.Create());
        root.Subcommands.Add(TrainDemoCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
    }
}
