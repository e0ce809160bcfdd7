using System.Diagnostics;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>Runs this engine's own command line in a child process (a fresh address space, so its memory
/// readings are its own) and returns what it printed.</summary>
static class EngineChildProcess
{
    public static string Run(IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var info = StartInfo(arguments, Environment.ProcessPath, typeof(EngineChildProcess).Assembly.Location);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(info)} did not finish within {timeout.TotalSeconds:F0} s");
        }
        process.WaitForExit(); // let the output readers finish
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Describe(info)} exited with code {process.ExitCode}: {Tail(stderr.Result)}");
        return stdout.Result;
    }

    /// <summary>How to start the engine again: its apphost directly when that is what runs now, otherwise
    /// <c>dotnet SteerLab.Engine.dll</c> (e.g. under <c>dotnet exec</c> or a test host), preferring the apphost
    /// next to the engine's assembly when there is one.</summary>
    internal static ProcessStartInfo StartInfo(IReadOnlyList<string> arguments, string? processPath, string engineAssemblyPath)
    {
        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        string engineName = Path.GetFileNameWithoutExtension(engineAssemblyPath);
        string apphost = Path.Combine(Path.GetDirectoryName(engineAssemblyPath) ?? ".", OperatingSystem.IsWindows() ? engineName + ".exe" : engineName);
        if (processPath is not null && Path.GetFileName(processPath) == Path.GetFileName(apphost))
            info.FileName = processPath;
        else if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            info.FileName = processPath;
            info.ArgumentList.Add(engineAssemblyPath);
        }
        else if (File.Exists(apphost))
            info.FileName = apphost;
        else
        {
            info.FileName = "dotnet";
            info.ArgumentList.Add(engineAssemblyPath);
        }
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }

    static string Describe(ProcessStartInfo info) => $"'{info.FileName} {string.Join(' ', info.ArgumentList)}'";

    static string Tail(string text) => text.Length <= 2000 ? text.Trim() : "…" + text[^2000..].Trim();
}
