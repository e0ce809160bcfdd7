# SteerLab server image: docker build -t steerlab . && docker run -p 8080:8080 steerlab
#
# Unverified: the development machine has no Docker engine, so this file has never been built there.
# The build-time ELF fix for libLibTorchSharp.so (build/LibTorchSharpGlibcxxFix.targets) is not needed
# inside these images, whose libstdc++ already has GLIBCXX_3.4.32, but it still runs on publish and is harmless.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so that the package layer is cached across source edits.
COPY Directory.Build.props Directory.Build.targets ./
COPY build/ build/
COPY src/SteerLab.Shared/SteerLab.Shared.csproj src/SteerLab.Shared/
COPY src/SteerLab.Engine/SteerLab.Engine.csproj src/SteerLab.Engine/
COPY src/SteerLab.Client/SteerLab.Client.csproj src/SteerLab.Client/
COPY src/SteerLab.Server/SteerLab.Server.csproj src/SteerLab.Server/
RUN dotnet restore src/SteerLab.Server/SteerLab.Server.csproj

COPY src/ src/
RUN dotnet publish src/SteerLab.Server/SteerLab.Server.csproj -c Release --no-restore -o /app/publish -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app/publish .
# The SQLite database and caches live under /app/data (SteerLab:DataFolder), owned by the non-root app user;
# mount a volume there to keep them across containers.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
VOLUME /app/data
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "SteerLab.Server.dll"]
