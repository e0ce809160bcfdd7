using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SteerLab.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TeamsAndAccounts : Migration
    {
        /// <summary>SteerLab.Server.Data.Team.DefaultId, frozen here as migrations are.</summary>
        static readonly Guid DefaultTeamId = new("5e3f1ab0-0000-4000-8000-000000000001");

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FeatureLabels_SaeId_FeatureIndex",
                table: "FeatureLabels");

            migrationBuilder.DropIndex(
                name: "IX_Datasets_Name_ContentHash",
                table: "Datasets");

            migrationBuilder.AddColumn<Guid>(
                name: "TeamId",
                table: "Vectors",
                type: "TEXT",
                nullable: false,
                defaultValue: DefaultTeamId);

            migrationBuilder.AddColumn<Guid>(
                name: "TeamId",
                table: "Jobs",
                type: "TEXT",
                nullable: false,
                defaultValue: DefaultTeamId);

            migrationBuilder.AddColumn<Guid>(
                name: "TeamId",
                table: "FeatureLabels",
                type: "TEXT",
                nullable: false,
                defaultValue: DefaultTeamId);

            migrationBuilder.AddColumn<Guid>(
                name: "TeamId",
                table: "Datasets",
                type: "TEXT",
                nullable: false,
                defaultValue: DefaultTeamId);

            migrationBuilder.AddColumn<Guid>(
                name: "TeamId",
                table: "ChatSessions",
                type: "TEXT",
                nullable: false,
                defaultValue: DefaultTeamId);

            migrationBuilder.AddColumn<Guid>(
                name: "TeamId",
                table: "ChatPresets",
                type: "TEXT",
                nullable: false,
                defaultValue: DefaultTeamId);

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IsAdministrator = table.Column<bool>(type: "INTEGER", nullable: false),
                    ActiveTeamId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", nullable: true),
                    SecurityStamp = table.Column<string>(type: "TEXT", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "TEXT", nullable: true),
                    PhoneNumber = table.Column<string>(type: "TEXT", nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    LockoutEnd = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Teams",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Teams", x => x.Id);
                });

            // Rows from before teams existed belong to the default team (the TeamId columns above default to it); the
            // first administrator becomes its owner at start. A fresh database gets the same team, empty.
            migrationBuilder.InsertData(
                table: "Teams",
                columns: ["Id", "Name", "CreatedAt"],
                values: new object[] { DefaultTeamId, "Default team", new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc) });

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Prefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastUsedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApiKeys_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClaimType = table.Column<string>(type: "TEXT", nullable: true),
                    ClaimValue = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "TEXT", nullable: false),
                    ProviderKey = table.Column<string>(type: "TEXT", nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "TEXT", nullable: true),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LoginProvider = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TeamInvitations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AcceptedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    AcceptedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamInvitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TeamInvitations_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TeamMembers",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    JoinedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamMembers", x => new { x.TeamId, x.UserId });
                    table.ForeignKey(
                        name: "FK_TeamMembers_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TeamMembers_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Vectors_TeamId",
                table: "Vectors",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_TeamId",
                table: "Jobs",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_FeatureLabels_TeamId_SaeId_FeatureIndex",
                table: "FeatureLabels",
                columns: new[] { "TeamId", "SaeId", "FeatureIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Datasets_TeamId_Name_ContentHash",
                table: "Datasets",
                columns: new[] { "TeamId", "Name", "ContentHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChatSessions_TeamId",
                table: "ChatSessions",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_ChatPresets_TeamId",
                table: "ChatPresets",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_Prefix",
                table: "ApiKeys",
                column: "Prefix");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_UserId",
                table: "ApiKeys",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TeamInvitations_TeamId",
                table: "TeamInvitations",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_TeamInvitations_TokenHash",
                table: "TeamInvitations",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TeamMembers_UserId",
                table: "TeamMembers",
                column: "UserId");

            migrationBuilder.AddForeignKey(
                name: "FK_ChatPresets_Teams_TeamId",
                table: "ChatPresets",
                column: "TeamId",
                principalTable: "Teams",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ChatSessions_Teams_TeamId",
                table: "ChatSessions",
                column: "TeamId",
                principalTable: "Teams",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Datasets_Teams_TeamId",
                table: "Datasets",
                column: "TeamId",
                principalTable: "Teams",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_FeatureLabels_Teams_TeamId",
                table: "FeatureLabels",
                column: "TeamId",
                principalTable: "Teams",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Jobs_Teams_TeamId",
                table: "Jobs",
                column: "TeamId",
                principalTable: "Teams",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Vectors_Teams_TeamId",
                table: "Vectors",
                column: "TeamId",
                principalTable: "Teams",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ChatPresets_Teams_TeamId",
                table: "ChatPresets");

            migrationBuilder.DropForeignKey(
                name: "FK_ChatSessions_Teams_TeamId",
                table: "ChatSessions");

            migrationBuilder.DropForeignKey(
                name: "FK_Datasets_Teams_TeamId",
                table: "Datasets");

            migrationBuilder.DropForeignKey(
                name: "FK_FeatureLabels_Teams_TeamId",
                table: "FeatureLabels");

            migrationBuilder.DropForeignKey(
                name: "FK_Jobs_Teams_TeamId",
                table: "Jobs");

            migrationBuilder.DropForeignKey(
                name: "FK_Vectors_Teams_TeamId",
                table: "Vectors");

            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "TeamInvitations");

            migrationBuilder.DropTable(
                name: "TeamMembers");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "Teams");

            migrationBuilder.DropIndex(
                name: "IX_Vectors_TeamId",
                table: "Vectors");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_TeamId",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_FeatureLabels_TeamId_SaeId_FeatureIndex",
                table: "FeatureLabels");

            migrationBuilder.DropIndex(
                name: "IX_Datasets_TeamId_Name_ContentHash",
                table: "Datasets");

            migrationBuilder.DropIndex(
                name: "IX_ChatSessions_TeamId",
                table: "ChatSessions");

            migrationBuilder.DropIndex(
                name: "IX_ChatPresets_TeamId",
                table: "ChatPresets");

            migrationBuilder.DropColumn(
                name: "TeamId",
                table: "Vectors");

            migrationBuilder.DropColumn(
                name: "TeamId",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "TeamId",
                table: "FeatureLabels");

            migrationBuilder.DropColumn(
                name: "TeamId",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "TeamId",
                table: "ChatSessions");

            migrationBuilder.DropColumn(
                name: "TeamId",
                table: "ChatPresets");

            migrationBuilder.CreateIndex(
                name: "IX_FeatureLabels_SaeId_FeatureIndex",
                table: "FeatureLabels",
                columns: new[] { "SaeId", "FeatureIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Datasets_Name_ContentHash",
                table: "Datasets",
                columns: new[] { "Name", "ContentHash" },
                unique: true);
        }
    }
}
