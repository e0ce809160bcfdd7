using SteerLab.Engine.Cli;

return await CliApp.RunAsync(args);
