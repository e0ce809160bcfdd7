using System.CommandLine;
using TorchSharp;

namespace SteerLab.Engine.Cli;

/// <summary>The <c>--threads</c> option shared by verbs that run the model: torch's intra-op threads. On a small or busy
/// machine one thread can decode faster than two (each of the ~400 small operations per token opens a parallel region).</summary>
static class CliThreads
{
    public static Option<int?> Option()
    {
        var threads = new Option<int?>("--threads") { Description = "Torch intra-op threads (default: torch's choice)" };
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0) result.AddError("--threads must be a positive number");
        });
        return threads;
    }

    /// <summary>Sets torch's thread count for this thread (the setting is per thread; 0 would abort the process,
    /// hence the validator above and the check here).</summary>
    public static int? Apply(int? threads)
    {
        if (threads is int n)
        {
            if (n <= 0) throw new ArgumentOutOfRangeException(nameof(threads), n, "--threads must be positive");
            torch.set_num_threads(n);
        }
        return threads;
    }
}
