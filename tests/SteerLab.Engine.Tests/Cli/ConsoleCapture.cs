using SteerLab.Engine.Cli;

namespace SteerLab.Engine.Tests.Cli;

/// <summary>Tests that run CLI verbs in-process redirect the process-wide Console, so they never run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}

public static class ConsoleCapture
{
    public static async Task<(int ExitCode, string Out, string Error)> RunCli(params string[] args)
    {
        var (previousOut, previousError) = (Console.Out, Console.Error);
        var output = new StringWriter();
        var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try { return (await CliApp.RunAsync(args), output.ToString(), error.ToString()); }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }
}
