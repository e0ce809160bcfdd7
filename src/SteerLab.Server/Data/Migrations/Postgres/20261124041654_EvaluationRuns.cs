using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SteerLab.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EvaluationRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "JudgeSettings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    BaseUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Model = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ProtectedApiKey = table.Column<string>(type: "text", nullable: true),
                    MaxConcurrency = table.Column<int>(type: "integer", nullable: false),
                    TimeoutSeconds = table.Column<int>(type: "integer", nullable: false),
                    MaxRetries = table.Column<int>(type: "integer", nullable: false),
                    Temperature = table.Column<double>(type: "double precision", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JudgeSettings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_JudgeSettings_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Runs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Model = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    JobId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestJson = table.Column<string>(type: "text", nullable: false),
                    ProvenanceJson = table.Column<string>(type: "text", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RerunOf = table.Column<Guid>(type: "uuid", nullable: true),
                    JudgeSettingId = table.Column<Guid>(type: "uuid", nullable: true),
                    JudgingState = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: true),
                    JudgingMessage = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    JudgingServerInstance = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    JudgingFinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Runs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Runs_Jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "Jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Runs_JudgeSettings_JudgeSettingId",
                        column: x => x.JudgeSettingId,
                        principalTable: "JudgeSettings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Runs_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RunAnswers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    Series = table.Column<int>(type: "integer", nullable: false),
                    QuestionIndex = table.Column<int>(type: "integer", nullable: false),
                    Question = table.Column<string>(type: "text", nullable: false),
                    Lambda = table.Column<double>(type: "double precision", nullable: true),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Finish = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunAnswers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RunAnswers_Runs_RunId",
                        column: x => x.RunId,
                        principalTable: "Runs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReviewScores",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    AnswerId = table.Column<long>(type: "bigint", nullable: false),
                    Item = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReviewerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Score = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewScores", x => x.Id);
                    table.CheckConstraint("CK_ReviewScores_Score", "\"Score\" >= 0 AND \"Score\" <= 10");
                    table.ForeignKey(
                        name: "FK_ReviewScores_AspNetUsers_ReviewerId",
                        column: x => x.ReviewerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ReviewScores_RunAnswers_AnswerId",
                        column: x => x.AnswerId,
                        principalTable: "RunAnswers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RunJudgements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    AnswerId = table.Column<long>(type: "bigint", nullable: false),
                    Item = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Judge = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Score = table.Column<double>(type: "double precision", nullable: true),
                    RawText = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    PromptTokens = table.Column<int>(type: "integer", nullable: false),
                    CompletionTokens = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunJudgements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RunJudgements_RunAnswers_AnswerId",
                        column: x => x.AnswerId,
                        principalTable: "RunAnswers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_JudgeSettings_TeamId_Name",
                table: "JudgeSettings",
                columns: new[] { "TeamId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReviewScores_AnswerId_Item_ReviewerId",
                table: "ReviewScores",
                columns: new[] { "AnswerId", "Item", "ReviewerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReviewScores_ReviewerId",
                table: "ReviewScores",
                column: "ReviewerId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewScores_RunId_ReviewerId",
                table: "ReviewScores",
                columns: new[] { "RunId", "ReviewerId" });

            migrationBuilder.CreateIndex(
                name: "IX_RunAnswers_RunId_Series_QuestionIndex",
                table: "RunAnswers",
                columns: new[] { "RunId", "Series", "QuestionIndex" });

            migrationBuilder.CreateIndex(
                name: "IX_RunJudgements_AnswerId_Item",
                table: "RunJudgements",
                columns: new[] { "AnswerId", "Item" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RunJudgements_RunId",
                table: "RunJudgements",
                column: "RunId");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_JobId",
                table: "Runs",
                column: "JobId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Runs_JudgeSettingId",
                table: "Runs",
                column: "JudgeSettingId");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_JudgingState",
                table: "Runs",
                column: "JudgingState");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_CreatedAt",
                table: "Runs",
                columns: new[] { "TeamId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "ReviewScores");

            migrationBuilder.DropTable(
                name: "RunJudgements");

            migrationBuilder.DropTable(
                name: "RunAnswers");

            migrationBuilder.DropTable(
                name: "Runs");

            migrationBuilder.DropTable(
                name: "JudgeSettings");
        }
    }
}
