using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SteerLab.Engine.Evaluation.Benchmarks;

namespace SteerLab.Engine.Cli;

/// <summary><c>bench-steering [--json] [--widths 4096,65536] [--support 32] [--tokens 16] [--rounds 3] [--dtype f32|bf16]</c>:
/// per-token cost of unsteered, CAA, SAS fast path and SAS full path decoding, as ratios to unsteered.</summary>
static class BenchSteeringCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var widths = new Option<string>("--widths") { Description = "SAE widths", DefaultValueFactory = _ => "4096,65536" };
        var support = new Option<int>("--support") { Description = "Non-zero features in the SAS vector", DefaultValueFactory = _ => 32 };
        var tokens = new Option<int>("--tokens") { Description = "Decoded tokens timed per condition and round", DefaultValueFactory = _ => 16 };
        var rounds = new Option<int>("--rounds") { Description = "Interleaved rounds", DefaultValueFactory = _ => 3 };
        var dtype = new Option<string>("--dtype") { Description = "f32 or bf16 weights", DefaultValueFactory = _ => "f32" };
        var command = new Command("bench-steering", "Per-token cost of CAA and SAS (fast and full path) vs unsteered decoding") { json, widths, support, tokens, rounds, dtype };
        command.SetAction((parse, _) =>
        {
            var options = new SteeringBenchOptions(
                parse.GetValue(widths)!.Split(',', StringSplitOptions.TrimEntries).Select(w => int.TryParse(w, out int v) && v > 0 ? v : throw new ArgumentException($"--widths: '{w}' is not a positive integer")).ToArray(),
                parse.GetValue(support), parse.GetValue(tokens), parse.GetValue(rounds), CliDTypes.Parse(parse.GetValue(dtype)!));
            if (options.Support < 1 || options.DecodeTokens < 1 || options.Rounds < 1) throw new ArgumentException("--support, --tokens and --rounds must be ≥ 1");
            var report = SteeringBenchmark.Run(options, message => Console.Error.WriteLine(message));
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(report, BenchJson.Options));
            else
            {
                Console.WriteLine($"{report.Model} ({report.WeightType}), SAS support {report.Support}, {report.DecodeTokens} tokens × {report.Rounds} rounds, {report.Machine.ProcessorCount} cores");
                Console.WriteLine($"{"condition",-10} {"SAE width",9} {"ms/token",9} {"× unsteered",12} {"intervention µs/token",22}");
                foreach (var c in report.Costs)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{c.Condition,-10} {(c.SaeWidth?.ToString() ?? "-"),9} {c.SecondsPerToken * 1000,9:0.00} {c.RatioToUnsteered,12:0.000} {c.InterventionMicroseconds,22:0.0}"));
            }
            return Task.FromResult(0);
        });
        return command;
    }
}
