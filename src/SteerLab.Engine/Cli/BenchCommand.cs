using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SteerLab.Engine.Evaluation.Benchmarks;
using TorchSharp;

namespace SteerLab.Engine.Cli;

/// <summary><c>bench [--json] [--quick] [--threads N]</c>: prefill/decode speed against the memory-bandwidth bound
/// and the resident memory of loading a checkpoint (DESIGN §10). Also the hidden
/// <c>bench load-probe --model DIR --dtype f32|bf16</c> that the bench runs in a child process.</summary>
static class BenchCommand
{
    const string LoadProbeName = "load-probe";

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object with every number instead of tables" };
        var quick = new Option<bool>("--quick") { Description = "Fewer timed runs and decode steps" };
        var threads = CliThreads.Option();
        var command = new Command("bench", "Measure prefill and decode tokens/s (f32 and bf16) of random GPT-2 small and a 2-layer Gemma-2-2B slice " +
            "against the memory-bandwidth bound, and peak resident memory when loading a checkpoint");
        command.Options.Add(json);
        command.Options.Add(quick);
        command.Options.Add(threads);
        command.Subcommands.Add(CreateLoadProbe());
        command.SetAction(parse =>
        {
            int? threadCount = CliThreads.Apply(parse.GetValue(threads));
            string[] probeExtras = threadCount is int n ? ["--threads", n.ToString(CultureInfo.InvariantCulture)] : [];
            var options = new BenchOptions(parse.GetValue(quick), ["bench", LoadProbeName], probeExtras);
            var report = EngineBenchmark.Run(options, message => Console.Error.WriteLine($"[bench] {message}"));
            Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(report, BenchJson.Options) : BenchReportTable.Render(report));
            return 0;
        });
        return command;
    }

    static Command CreateLoadProbe()
    {
        var model = new Option<string>("--model") { Description = "Model folder (config.json + safetensors)", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "f32 or bf16", DefaultValueFactory = _ => "f32" };
        var threads = CliThreads.Option();
        var command = new Command(LoadProbeName, "Load a model and print resident memory (VmRSS/VmHWM) as one JSON line") { Hidden = true };
        command.Options.Add(model);
        command.Options.Add(dtype);
        command.Options.Add(threads);
        command.SetAction(parse =>
        {
            CliThreads.Apply(parse.GetValue(threads));
            var reading = LoadMemoryProbe.Run(parse.GetValue(model)!, CliDTypes.Parse(parse.GetValue(dtype)!));
            Console.WriteLine(JsonSerializer.Serialize(reading, BenchJson.Compact));
            return 0;
        });
        return command;
    }
}
